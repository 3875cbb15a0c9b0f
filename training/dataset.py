"""Labelled paragraphs: JSON Lines files under `labels/`, validated with `file:line` messages."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from classifier.errors import LabelDataError
from classifier.normalize import normalize_text


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    themes: tuple[str, ...]
    source: str
    where: str  # file:line, for messages

    @property
    def from_whole_document(self) -> bool:
        """Written as part of a whole document, or taken from a real one (the seed, Label Studio imports)."""
        return "/doc/" in self.source or self.source == "seed" or self.source.startswith("labelstudio")

    @property
    def file(self) -> Path:
        """The label file the paragraph was read from (`where` is `file:line`)."""
        return Path(self.where.rsplit(":", 1)[0])

    @property
    def document(self) -> str:
        """The document the paragraph belongs to, so that cross-validation never splits one across folds.

        Paragraphs written as whole documents (and the seed) are numbered `<document>-<NNN>`; other
        paragraphs, and Label Studio imports whose document is not recorded, stand alone.
        """
        if not self.from_whole_document or self.source.startswith("labelstudio"):
            return self.id
        return self.id.rsplit("-", 1)[0]


# Second-pass labels kept for the agreement report; they label paragraphs that are already in the data.
REVIEW_DIR = "review"


def label_files(labels: Path) -> list[Path]:
    return sorted(p for p in labels.rglob("*.jsonl") if REVIEW_DIR not in p.relative_to(labels).parts)


def load_examples(labels: Path, theme_keys: list[str]) -> list[Example]:
    """Every example under `labels`; raises LabelDataError listing all problems at once."""
    files = label_files(labels)
    if not files:
        raise LabelDataError([f"{labels}: no *.jsonl files with labelled paragraphs"])
    examples, problems = [], []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                example = _parse(line, f"{path}:{number}", set(theme_keys), problems)
                if example is not None:
                    examples.append(example)
    problems += _conflicts(examples)
    if problems:
        raise LabelDataError(problems)
    return _without_repeats(examples)


def _parse(line: str, where: str, known: set[str], problems: list[str]) -> Example | None:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        problems.append(f"{where}: malformed JSON ({exc.msg})")
        return None
    if not isinstance(row, dict):
        problems.append(f"{where}: each line must be a JSON object")
        return None
    text, themes = row.get("text"), row.get("themes")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: empty or missing text")
        return None
    if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
        problems.append(f"{where}: themes must be a list of theme keys")
        return None
    unknown = sorted(set(themes) - known)
    if unknown:
        problems.append(f"{where}: unknown theme(s) {', '.join(unknown)} (see labels/themes.toml)")
        return None
    return Example(str(row.get("id", where)), text, tuple(sorted(set(themes))), str(row.get("source", "")), where)


def _conflicts(examples: list[Example]) -> list[str]:
    """The same text (after normalisation) labelled two different ways."""
    first: dict[str, Example] = {}
    problems = []
    for example in examples:
        key = normalize_text(example.text)
        seen = first.setdefault(key, example)
        if seen.themes != example.themes:
            problems.append(
                f"{example.where}: same text as {seen.where} but labelled {list(example.themes)} "
                f"instead of {list(seen.themes)}"
            )
    return problems


def _without_repeats(examples: list[Example]) -> list[Example]:
    seen, unique = set(), []
    for example in examples:
        key = normalize_text(example.text)
        if key not in seen:
            seen.add(key)
            unique.append(example)
    return unique


def rewrite_rows(path: Path, change: Callable[[dict], dict | None]) -> None:
    """Rewrite one label file row by row: `change` returns the row to keep (the same or a new one) or None to
    drop it. Untouched rows keep their exact line."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        new = row if row is None else change(row)
        if new is row:
            lines.append(line)
        elif new is not None:
            lines.append(json.dumps(new, ensure_ascii=False))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def data_sha256(examples: list[Example], extra: bytes = b"") -> str:
    """A reference to the exact training data: order-independent hash of texts and labels."""
    digest = hashlib.sha256(extra)
    for line in sorted(json.dumps([e.text, e.themes], ensure_ascii=False) for e in examples):
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()
