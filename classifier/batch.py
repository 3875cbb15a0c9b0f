"""Batch labelling: inputs (files, folders, stdin) → one record per paragraph, row or document.

Inputs are read in the calling process and cut into chunks of units; chunks are labelled by a
runner (in this process, a pool of local processes, or a Dask cluster) and come back in input order.
"""

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocumentReadError
from .model import ThemeModel
from .readers import SUPPORTED_SUFFIXES, Unit, read_units, units_from_bytes

STDIN = "-"
CHUNK = 1024  # units per chunk: large enough to amortise per-call costs, small enough to spread over workers


@dataclass
class BatchReport:
    files: int = 0
    units: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass
class Chunk:
    """Consecutive units of one input; `start` is the index of the first unit in that input."""

    item: str
    start: int
    units: list[Unit]
    last: bool  # the input's final chunk


def expand_inputs(inputs: list[str]) -> list[str]:
    """Files as given, folders walked recursively (supported types only, sorted), `-` kept for stdin."""
    expanded = []
    for item in inputs:
        path = Path(item)
        if item != STDIN and path.is_dir():
            expanded += sorted(
                str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            expanded.append(item)
    return expanded


def read_input(item: str) -> list[Unit]:
    if item == STDIN:
        return units_from_bytes(sys.stdin.buffer.read(), ".txt", "<stdin>")
    return read_units(Path(item))


def iter_chunks(items: list[str], report: BatchReport, size: int = CHUNK) -> Iterator[Chunk]:
    """Chunks of every readable input; an unreadable one is recorded in `report` and skipped."""
    for item in items:
        try:
            units = read_input(item)
        except DocumentReadError as exc:
            report.failures.append(str(exc))
            continue
        report.files += 1
        if not units:
            yield Chunk(item, 0, [], True)
        for start in range(0, len(units), size):
            yield Chunk(item, start, units[start : start + size], start + size >= len(units))


def label_chunk(model: ThemeModel, chunk: Chunk, threshold: float | None = None, explain: bool = False) -> list[dict]:
    """Records for one chunk, in order: table rows keep their own fields first."""
    records = []
    predictions = model.predict([u.text for u in chunk.units], threshold, explain)
    for offset, (unit, result) in enumerate(zip(chunk.units, predictions, strict=True)):
        if unit.fields is None:
            record = {"file": chunk.item, "paragraph": chunk.start + offset, "text": unit.text}
        else:
            record = {k: v for k, v in unit.fields.items() if k not in ("themes", "scores")}
        record["themes"] = result.themes
        record["scores"] = result.scores
        if explain:
            record["evidence"] = result.evidence
        if result.warning:
            record["warning"] = result.warning
        records.append(record)
    return records


def summarise_document(keys: list[str], item: str, records: list[dict]) -> dict:
    """One line per file: share of paragraphs per theme and the top score per theme."""
    count = len(records)
    shares = {k: (sum(k in r["themes"] for r in records) / count if count else 0.0) for k in keys}
    max_scores = {k: max((r["scores"][k] for r in records), default=0.0) for k in keys}
    themes = sorted((k for k, s in shares.items() if s > 0), key=lambda k: (-shares[k], k))
    return {"file": item, "paragraphs": count, "themes": themes, "shares": shares, "max_scores": max_scores}


# A runner labels chunks and yields (chunk, records) pairs in the order the chunks came.
Runner = Callable[[Iterable[Chunk]], Iterator[tuple[Chunk, list[dict]]]]


def in_process(model: ThemeModel, threshold: float | None = None, explain: bool = False) -> Runner:
    def run(chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, list[dict]]]:
        for chunk in chunks:
            yield chunk, label_chunk(model, chunk, threshold, explain)

    return run


@dataclass
class Labelled:
    """What a chunk of one input produced; `finished` marks the input's last chunk."""

    item: str
    records: list[dict]
    finished: bool


def label_inputs(
    keys: list[str],
    inputs: list[str],
    runner: Runner,
    report: BatchReport,
    unit: str = "paragraph",
    progress=None,
    skip: Callable[[str], bool] = lambda item: False,
) -> Iterator[Labelled]:
    """Label every input not skipped through `runner`: paragraph records, or one summary per document."""
    pending: list[dict] = []
    items = [item for item in expand_inputs(inputs) if not skip(item)]
    for chunk, records in runner(iter_chunks(items, report)):
        report.units += len(records)
        if progress is not None:
            progress.update(len(records))
        if unit == "paragraph":
            yield Labelled(chunk.item, records, chunk.last)
            continue
        pending += records
        if chunk.last:
            yield Labelled(chunk.item, [summarise_document(keys, chunk.item, pending)], True)
            pending = []
