"""Batch labelling: inputs (files, folders, stdin) → one record per paragraph, row or document.

Inputs are read in the calling process and cut into chunks of units as they are read (a large table's
first chunks are labelled while the rest is parsed); chunks are labelled by a runner (in this process, a
pool of local processes, or a Dask cluster) and come back in input order. An input found broken after
some of its chunks went out is marked failed, and what they produced is dropped: a broken file is
skipped whole.
"""

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from . import jsonl
from .errors import DocumentReadError
from .model import ThemeModel
from .readers import SUPPORTED_SUFFIXES, Unit, iter_units, iter_units_from_bytes

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
    failed: bool = False  # no units: the input turned out broken, drop what its earlier chunks gave


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


def read_input(item: str) -> Iterator[Unit]:
    if item == STDIN:
        return iter_units_from_bytes(sys.stdin.buffer.read(), ".txt", "<stdin>")
    return iter_units(Path(item))


def iter_chunks(items: list[str], report: BatchReport, size: int = CHUNK) -> Iterator[Chunk]:
    """Chunks of every readable input; an unreadable one is recorded in `report` and skipped, with a
    failed chunk after its last good one if any went out."""
    for item in items:
        sent = False
        try:
            for chunk in _chunks_of(item, size):
                sent = True
                yield chunk
        except DocumentReadError as exc:
            report.failures.append(str(exc))
            if sent:
                yield Chunk(item, 0, [], True, failed=True)
            continue
        report.files += 1


def _chunks_of(item: str, size: int) -> Iterator[Chunk]:
    """One input's chunks; each is read one ahead, so the last is known as such."""
    units = read_input(item)
    start, block = 0, list(islice(units, size))
    while True:
        following = list(islice(units, size))
        yield Chunk(item, start, block, not following)
        if not following:
            return
        start, block = start + len(block), following


def render_jsonl(records: list[dict]) -> str:
    """Records as JSON Lines: what `policy-themes label` writes by default."""
    return "".join(map(jsonl.dumps_line, records))


@dataclass(frozen=True)
class Settings:
    """How chunks are labelled. With `render`, a runner returns each chunk as output text, made where it
    was labelled: parallel workers then also do the writing work, and the main process only copies."""

    threshold: float | None = None
    explain: bool = False
    render: Callable[[list[dict]], str] | None = None


DEFAULT_SETTINGS = Settings()


def label_chunk(model: ThemeModel, chunk: Chunk, settings: Settings = DEFAULT_SETTINGS) -> list[dict] | str:
    """Records for one chunk, in order (table rows keep their own fields first), or their rendered text."""
    records = []
    predictions = model.predict([u.text for u in chunk.units], settings.threshold, settings.explain)
    for offset, (unit, result) in enumerate(zip(chunk.units, predictions, strict=True)):
        if unit.fields is None:
            record = {"file": chunk.item, "paragraph": chunk.start + offset, "text": unit.text}
        else:
            record = {k: v for k, v in unit.fields.items() if k not in ("themes", "scores")}
        record["themes"] = result.themes
        record["scores"] = result.scores
        if settings.explain:
            record["evidence"] = result.evidence
        if result.warning:
            record["warning"] = result.warning
        records.append(record)
    return settings.render(records) if settings.render else records


def summarise_document(keys: list[str], item: str, records: list[dict]) -> dict:
    """One line per file: share of paragraphs per theme and the top score per theme."""
    count = len(records)
    shares = {k: (sum(k in r["themes"] for r in records) / count if count else 0.0) for k in keys}
    max_scores = {k: max((r["scores"][k] for r in records), default=0.0) for k in keys}
    themes = sorted((k for k, s in shares.items() if s > 0), key=lambda k: (-shares[k], k))
    return {"file": item, "paragraphs": count, "themes": themes, "shares": shares, "max_scores": max_scores}


# A runner labels chunks and yields (chunk, records or rendered text) pairs in the order the chunks came.
Runner = Callable[[Iterable[Chunk]], Iterator[tuple[Chunk, list[dict] | str]]]


def in_process(model: ThemeModel, settings: Settings = DEFAULT_SETTINGS) -> Runner:
    def run(chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, list[dict] | str]]:
        for chunk in chunks:
            yield chunk, label_chunk(model, chunk, settings)

    return run


@dataclass
class Labelled:
    """What a chunk of one input produced, as records or (when the runner renders) as output text;
    `finished` marks the input's last chunk, `failed` an input that broke: drop all it produced."""

    item: str
    records: list[dict]
    finished: bool
    text: str | None = None
    failed: bool = False


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
    counted = 0  # units of the current input so far: not labelled after all if it fails
    items = [item for item in expand_inputs(inputs) if not skip(item)]
    for chunk, result in runner(iter_chunks(items, report)):
        if chunk.failed:
            report.units -= counted
            counted, pending = 0, []
            yield Labelled(chunk.item, [], False, failed=True)
            continue
        count = len(chunk.units)
        report.units += count
        counted = 0 if chunk.last else counted + count
        if progress is not None:
            progress.update(count)
        if isinstance(result, str):
            yield Labelled(chunk.item, [], chunk.last, result)
        elif unit == "paragraph":
            yield Labelled(chunk.item, result, chunk.last)
        else:
            pending += result
            if chunk.last:
                yield Labelled(chunk.item, [summarise_document(keys, chunk.item, pending)], True)
                pending = []


def finished_records(labelled: Iterable[Labelled]) -> Iterator[dict]:
    """The records of inputs that were labelled to the end, holding each input's records until then."""
    held: list[dict] = []
    for part in labelled:
        held = [] if part.failed else held + part.records
        if part.finished:
            yield from held
            held = []
