"""Near-copies of real text in the authored labels: paragraphs that reproduce a real document.

Writers (people or models) reproduce well-known statutes and reports from memory without meaning to.
Such a paragraph is not fresh writing, and if the same document is in the evaluation data it inflates
the scores. A labelled paragraph is a near-copy when a large share of its character 8-grams occurs in
one single real paragraph of the reference files (JSON Lines with a `text` field).

Run: `python -m training.provenance REFERENCE.jsonl... [--drop]` — lists near-copies; `--drop` removes
them from the label files (the seed page, which the project was given as labelled input, is exempt).

`--brief FILE` checks a writers' or readers' brief instead: every clause of it found whole in a real
paragraph. Examples in a brief end up in the paragraphs written from it, so a clause taken from the
evaluation file would carry its wording into the training data (rounds 23-24 did; labels/README.md).
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import click

from classifier import paths
from classifier.readers import read_units
from classifier.themes import load_themes

from .dataset import load_examples, rewrite_rows

GRAM = 8  # characters: long enough that shared grams mean shared wording, not shared vocabulary
MAX_SHARE = 0.4  # of a paragraph's 8-grams found in one real paragraph
MIN_CHARS = 20  # shorter lines (headings) are stock phrases that every document shares
EXEMPT_SOURCES = ("seed",)
MIN_CLAUSE_CHARS = 10  # a brief's clause this long found whole in a real paragraph is that paragraph's wording
_CLAUSE_BREAK = re.compile(r"[。；;，,：:！？!?、\s\"“”‘’'「」『』（）()《》…—/]+")


@dataclass
class NearCopy:
    path: Path
    id: str
    share: float
    text: str
    original: str


def grams(text: str) -> set[str]:
    return {text[i : i + GRAM] for i in range(len(text) - GRAM + 1)}


class ReferenceIndex:
    """Which real paragraphs contain each 8-gram."""

    def __init__(self, references: list[Path]):
        self.texts: list[str] = []
        self.holders: dict[str, list[int]] = defaultdict(list)
        for path in references:
            for unit in read_units(path):
                self._add(unit.text)

    def _add(self, text: str) -> None:
        number = len(self.texts)
        self.texts.append(text)
        for gram in grams(text):
            self.holders[gram].append(number)

    def closest(self, text: str) -> tuple[float, str]:
        """(share of the text's 8-grams in the one real paragraph that has most of them, that paragraph)."""
        own = grams(text)
        counts = Counter(number for gram in own for number in self.holders.get(gram, ()))
        if not own or not counts:
            return 0.0, ""
        number, shared = counts.most_common(1)[0]
        return shared / len(own), self.texts[number]


def near_copies(labels: Path, index: ReferenceIndex) -> list[NearCopy]:
    keys = [t.key for t in load_themes(paths.themes_file(labels))]
    found = []
    for example in load_examples(labels, keys):
        if len(example.text) < MIN_CHARS or example.source in EXEMPT_SOURCES:
            continue
        share, original = index.closest(example.text)
        if share >= MAX_SHARE:
            found.append(NearCopy(example.file, example.id, share, example.text, original))
    return found


def shared_clauses(text: str, index: ReferenceIndex) -> list[tuple[str, str]]:
    """(clause, the real paragraph containing it) for each clause of `text` found whole in a real paragraph."""
    found = []
    for clause in dict.fromkeys(_CLAUSE_BREAK.split(text)):
        if len(clause) < MIN_CLAUSE_CHARS:
            continue
        share, original = index.closest(clause)
        if share == 1.0:  # every 8-gram of the clause in one real paragraph: its wording
            found.append((clause, original))
    return found


def drop(copies: list[NearCopy]) -> None:
    """Rewrite each label file without its near-copies."""
    by_file: dict[Path, set[str]] = defaultdict(set)
    for copy in copies:
        by_file[copy.path].add(copy.id)
    for path, ids in by_file.items():
        rewrite_rows(path, lambda row, ids=ids: None if row["id"] in ids else row)


@click.command()
@click.argument("references", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--drop", "drop_them", is_flag=True, help="Remove the near-copies from the label files.")
@click.option(
    "--brief",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Check this brief's clauses instead of the labels (exit status 1 if any is real text).",
)
def main(references: tuple[Path, ...], drop_them: bool, brief: Path | None) -> None:
    index = ReferenceIndex(list(references))
    if brief is not None:
        clauses = shared_clauses(brief.read_text(encoding="utf-8"), index)
        for clause, original in clauses:
            click.echo(f"{clause}\t{original[:60]}")
        click.echo(f"{len(clauses)} clauses of {brief.name} found whole in a real paragraph", err=True)
        raise SystemExit(1 if clauses else 0)
    copies = near_copies(paths.labels_dir(), index)
    for copy in copies:
        click.echo(f"{copy.path.name}\t{copy.id}\t{copy.share:.2f}\t{copy.text[:60]}")
    click.echo(f"{len(copies)} near-copies (>= {MAX_SHARE:.0%} of {GRAM}-grams in one real paragraph)", err=True)
    if drop_them:
        drop(copies)


if __name__ == "__main__":
    main()
