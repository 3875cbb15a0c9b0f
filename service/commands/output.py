"""Output of `policy-themes label`: JSONL or CSV, to stdout or to a file that never holds half an input.

With `-o OUT`, lines go to `OUT.partial` as they are labelled, and `OUT.partial.progress` records each
input once all its lines are written, with the byte size the file had then. A finished run renames
`OUT.partial` to `OUT` (atomically). An interrupted run (Ctrl-C, SIGTERM) cuts `OUT.partial` back to
the last finished input, so it is valid, and `--resume` continues from there, skipping what is done.
An input that turns out broken half-way is cut back the same way (`discard`). On stdout, which cannot
be cut back, each input's lines are held until the input is finished.
"""

import csv
import io
import json
import os
import sys
from pathlib import Path

import click

from classifier.batch import render_jsonl


class LineFormat:
    """Turns records into output bytes (UTF-8): JSON lines, or CSV rows with one header."""

    def __init__(self, fmt: str, keys: list[str], header_written: bool = False):
        self.fmt, self.keys = fmt, keys
        self.fields: list[str] | None = [] if header_written else None

    def forget_header(self) -> None:
        """The header went with lines that were dropped: the next rows write it again."""
        self.fields = None

    def render(self, records: list[dict]) -> bytes:
        if self.fmt == "jsonl":
            return render_jsonl(records)
        buffer = io.StringIO()
        for record in records:
            row = _csv_row(record, self.keys)
            if self.fields is None:
                self.fields = list(row)
                csv.DictWriter(buffer, fieldnames=self.fields).writeheader()
            fields = self.fields or list(row)
            csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", restval="").writerow(row)
        # A lone surrogate (from a JSON "\\ud800" escape in the input) is not UTF-8: kept as that escape.
        return buffer.getvalue().encode("utf-8", errors="backslashreplace")


def _csv_row(record: dict, keys: list[str]) -> dict:
    """Standard columns, a table row's own fields first; themes joined by `;`, one score column a theme."""
    skipped = ("scores", "themes", "shares", "max_scores", "evidence", "warning")
    row = {k: v for k, v in record.items() if k not in skipped}
    row["themes"] = ";".join(record["themes"])
    scores = record.get("scores") or record.get("max_scores")
    row.update({f"score_{k}": f"{scores[k]:.6f}" for k in keys})
    if record.get("evidence") is not None:
        row["evidence"] = "; ".join(
            f"{theme}: " + " ".join(e["term"] for e in terms) for theme, terms in record["evidence"].items()
        )
    if "shares" in record:
        row.update({f"share_{k}": f"{record['shares'][k]:.4f}" for k in keys})
    return row


class StdoutOutput:
    def __init__(self, fmt: str, keys: list[str]):
        self.format = LineFormat(fmt, keys)
        self.held: list[bytes] = []  # the current input's output, written when it is finished
        self.written = False

    def done(self, item: str) -> bool:
        return False

    def write(self, data: bytes, finished_item: str | None) -> None:
        self.held.append(data)
        if finished_item is not None:
            sys.stdout.buffer.write(b"".join(self.held))
            self.held, self.written = [], True

    def discard(self, item: str) -> None:
        self.held = []
        if not self.written:
            self.format.forget_header()

    def finish(self) -> None:
        sys.stdout.buffer.flush()

    def interrupted(self) -> str:
        return "interrupted"


class FileOutput:
    def __init__(self, path: Path, fmt: str, keys: list[str], resume: bool):
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.progress = path.with_name(path.name + ".partial.progress")
        self.finished: dict[str, int] = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and self.partial.exists():
            self._restore()
        else:
            for stale in (self.partial, self.progress):
                stale.unlink(missing_ok=True)
        size = self.partial.stat().st_size if self.partial.exists() else 0
        self.format = LineFormat(fmt, keys, header_written=size > 0)
        self.handle = open(self.partial, "ab")  # noqa: SIM115  (closed in finish)
        self.log = open(self.progress, "a", encoding="utf-8")  # noqa: SIM115

    def _restore(self) -> None:
        """Keep only what finished inputs wrote; forget the half-written rest."""
        if self.progress.exists():
            for line in self.progress.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                    self.finished[entry["input"]] = entry["bytes"]
                except (json.JSONDecodeError, KeyError, TypeError):
                    break  # a torn last line: everything before it is sound
        with open(self.partial, "r+b") as handle:
            handle.truncate(self.committed)

    @property
    def committed(self) -> int:
        """Bytes of the partial file that finished inputs wrote."""
        return max(self.finished.values(), default=0)

    def done(self, item: str) -> bool:
        return item in self.finished

    def discard(self, item: str) -> None:
        """Cut the file back to the end of the last finished input."""
        self.handle.truncate(self.committed)
        self.handle.seek(self.committed)
        if not self.committed:
            self.format.forget_header()

    def write(self, data: bytes, finished_item: str | None) -> None:
        self.handle.write(data)
        if finished_item is not None:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            size = self.handle.tell()
            self.finished[finished_item] = size
            self.log.write(json.dumps({"input": finished_item, "bytes": size}, ensure_ascii=False) + "\n")
            self.log.flush()

    def finish(self) -> None:
        self.handle.close()
        self.log.close()
        os.replace(self.partial, self.path)
        self.progress.unlink(missing_ok=True)

    def interrupted(self) -> str:
        self.handle.close()
        self.log.close()
        with open(self.partial, "r+b") as handle:
            handle.truncate(self.committed)
        return (
            f"interrupted: {len(self.finished)} finished input(s) are in {self.partial}; "
            "run the same command again with --resume to finish"
        )


def open_output(path: Path | None, fmt: str, keys: list[str], resume: bool):
    if path is None:
        if resume:
            raise click.UsageError("--resume needs -o/--output")
        return StdoutOutput(fmt, keys)
    return FileOutput(path, fmt, keys, resume)
