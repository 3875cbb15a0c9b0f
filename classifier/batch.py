"""Batch labelling: inputs (files, folders, stdin) → one record per paragraph, row or document.

Inputs are read in the calling process and cut into chunks as they are read: documents and CSV as
units, JSON Lines as blocks of lines that the runner parses where it labels them (in this process, a
pool of local processes, or a Dask cluster), so the reading process does little more than cut. Results
come back in input order. An input found broken after some of its chunks went out is reported once,
and what its chunks produced is dropped: a broken file is skipped whole.
"""

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from . import jsonl
from .errors import DocumentReadError
from .model import ThemeModel
from .readers import SUPPORTED_SUFFIXES, RowBlock, Unit, iter_units, iter_units_from_bytes, jsonl_blocks

STDIN = "-"
CHUNK = 1024  # units per chunk: large enough to amortise per-call costs, small enough to spread over workers


@dataclass
class BatchReport:
    files: int = 0
    units: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass
class Chunk:
    """Consecutive units of one input: read (`units`), or a block of JSON lines parsed where the chunk is
    labelled (`rows`). `start` is the index of the first unit in that input (for document paragraphs). A
    chunk with a `failure` carries nothing but the reason its input could not be read."""

    item: str
    start: int
    units: list[Unit]
    last: bool  # the input's final chunk
    failure: str | None = None
    rows: RowBlock | None = None

    def read_units(self) -> list[Unit]:
        return self.rows.units() if self.rows is not None else self.units


@dataclass
class ChunkResult:
    """What labelling a chunk gave: its records or their rendered output, or why its units could not be read."""

    count: int = 0
    records: list[dict] | None = None
    output: bytes | None = None
    failure: str | None = None


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


def iter_chunks(items: list[str], size: int = CHUNK) -> Iterator[Chunk]:
    """Chunks of every input; an input that cannot be read ends with a chunk saying why."""
    for item in items:
        try:
            yield from _chunks_of(item, size)
        except DocumentReadError as exc:
            yield Chunk(item, 0, [], True, failure=str(exc))


def _chunks_of(item: str, size: int) -> Iterator[Chunk]:
    """One input's chunks (at least one, maybe empty); each is read one ahead, so the last is known."""
    if item != STDIN and Path(item).suffix.lower() == ".jsonl":
        blocks = jsonl_blocks(Path(item), size)
        block = next(blocks, None)
        if block is None:
            yield Chunk(item, 0, [], True)
        while block is not None:
            following = next(blocks, None)
            yield Chunk(item, 0, [], following is None, rows=block)  # rows keep their fields, not a number
            block = following
        return
    units = read_input(item)
    start, piece = 0, list(islice(units, size))
    while True:
        following = list(islice(units, size))
        yield Chunk(item, start, piece, not following)
        if not following:
            return
        start, piece = start + len(piece), following


def render_jsonl(records: list[dict]) -> bytes:
    """Records as JSON Lines: what `policy-themes label` writes by default."""
    return b"".join(map(jsonl.dumps_line, records))


@dataclass(frozen=True)
class Settings:
    """How chunks are labelled. With `render`, a runner returns each chunk as output bytes, made where it
    was labelled: parallel workers then also do the writing work, and the main process only copies."""

    threshold: float | None = None
    explain: bool = False
    render: Callable[[list[dict]], bytes] | None = None


DEFAULT_SETTINGS = Settings()


def label_chunk(model: ThemeModel, chunk: Chunk, settings: Settings = DEFAULT_SETTINGS) -> ChunkResult:
    """Records for one chunk, in order (table rows keep their own fields first), or their rendered text."""
    if chunk.failure is not None:
        return ChunkResult(failure=chunk.failure)
    try:
        units = chunk.read_units()
    except DocumentReadError as exc:
        return ChunkResult(failure=str(exc))
    records = []
    predictions = model.predict([u.text for u in units], settings.threshold, settings.explain)
    for offset, (unit, result) in enumerate(zip(units, predictions, strict=True)):
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
    if settings.render:
        return ChunkResult(len(units), output=settings.render(records))
    return ChunkResult(len(units), records)


def summarise_document(keys: list[str], item: str, records: list[dict]) -> dict:
    """One line per file: share of paragraphs per theme and the top score per theme."""
    count = len(records)
    shares = {k: (sum(k in r["themes"] for r in records) / count if count else 0.0) for k in keys}
    max_scores = {k: max((r["scores"][k] for r in records), default=0.0) for k in keys}
    themes = sorted((k for k, s in shares.items() if s > 0), key=lambda k: (-shares[k], k))
    return {"file": item, "paragraphs": count, "themes": themes, "shares": shares, "max_scores": max_scores}


# A runner labels chunks and yields (chunk, result) pairs in the order the chunks came.
Runner = Callable[[Iterable[Chunk]], Iterator[tuple[Chunk, ChunkResult]]]


def in_process(model: ThemeModel, settings: Settings = DEFAULT_SETTINGS) -> Runner:
    def run(chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, ChunkResult]]:
        for chunk in chunks:
            yield chunk, label_chunk(model, chunk, settings)

    return run


@dataclass
class Labelled:
    """What a chunk of one input produced, as records or (when the runner renders) as output bytes;
    `finished` marks the input's last chunk, `failed` an input that broke: drop all it produced."""

    item: str
    records: list[dict]
    finished: bool
    output: bytes | None = None
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
    failed: set[str] = set()  # inputs already reported broken: results of their chunks still in flight are dropped
    items = [item for item in expand_inputs(inputs) if not skip(item)]
    for chunk, result in runner(iter_chunks(items)):
        if chunk.item in failed:
            continue
        if result.failure is not None:
            failed.add(chunk.item)
            report.failures.append(result.failure)
            report.units -= counted
            counted, pending = 0, []
            yield Labelled(chunk.item, [], False, failed=True)
            continue
        report.units += result.count
        counted = 0 if chunk.last else counted + result.count
        report.files += chunk.last
        if progress is not None:
            progress.update(result.count)
        if result.output is not None:
            yield Labelled(chunk.item, [], chunk.last, result.output)
        elif unit == "paragraph":
            yield Labelled(chunk.item, result.records, chunk.last)
        else:
            pending += result.records
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
