"""Batch labelling: inputs (files, folders, stdin) → one record per paragraph, row or document."""

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocumentReadError
from .model import ThemeModel
from .readers import SUPPORTED_SUFFIXES, Unit, read_units, units_from_bytes

STDIN = "-"
CHUNK = 256  # paragraphs scored per call: large enough to amortise per-call overhead


@dataclass
class BatchReport:
    files: int = 0
    units: int = 0
    failures: list[str] = field(default_factory=list)


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


def label_paragraphs(model: ThemeModel, item: str, units: list[Unit], threshold=None) -> Iterator[dict]:
    """Records for one input, in order: table rows keep their own fields first."""
    for start in range(0, len(units), CHUNK):
        chunk = units[start : start + CHUNK]
        for offset, (unit, result) in enumerate(
            zip(chunk, model.predict([u.text for u in chunk], threshold), strict=True)
        ):
            if unit.fields is None:
                record = {"file": item, "paragraph": start + offset, "text": unit.text}
            else:
                record = {k: v for k, v in unit.fields.items() if k not in ("themes", "scores")}
            record["themes"] = result.themes
            record["scores"] = result.scores
            yield record


def summarise_document(model: ThemeModel, item: str, records: list[dict]) -> dict:
    """One line per file: share of paragraphs per theme and the top score per theme."""
    count = len(records)
    shares = {k: (sum(k in r["themes"] for r in records) / count if count else 0.0) for k in model.keys}
    max_scores = {k: max((r["scores"][k] for r in records), default=0.0) for k in model.keys}
    themes = sorted((k for k, s in shares.items() if s > 0), key=lambda k: (-shares[k], k))
    return {"file": item, "paragraphs": count, "themes": themes, "shares": shares, "max_scores": max_scores}


def label_inputs(
    model: ThemeModel, inputs: list[str], report: BatchReport, unit: str = "paragraph", threshold=None, progress=None
) -> Iterator[dict]:
    """Label every input; a file that cannot be read is recorded in `report` and skipped."""
    for item in expand_inputs(inputs):
        try:
            units = read_input(item)
        except DocumentReadError as exc:
            report.failures.append(str(exc))
            continue
        report.files += 1
        records = label_paragraphs(model, item, units, threshold)
        if unit == "document":
            yield summarise_document(model, item, list(records))
        else:
            yield from records
        report.units += len(units)
        if progress is not None:
            progress.update(1)
            progress.set_postfix(paragraphs=report.units, refresh=False)
