"""Label audit: find the paragraphs whose labels the model contradicts, and settle them by blind readings.

The random second passes (`labels/review/`) measure agreement; this audit goes where labels are most likely
wrong. `contested` fits the model out of fold and lists the paragraphs where it contradicts a label with
confidence (a given theme scored below `--below`, a theme not given scored above `--above`), as `{id, text}`
lines for readers who must not see the first labels. `settle` then takes, per paragraph and theme, the
majority of the first label and the readings, and rewrites the label files.

Run: `python -m training.audit contested -o contested.jsonl`, give the file to two readers (each writes
`{id, themes}` lines into `labels/review/`), then `python -m training.audit settle READING READING`. For new
data, one reader can read everything and a second only the paragraphs where the first disagrees with the
writer's label: a tie keeps the first label, so the result is the same majority of three.
"""

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import click
import numpy as np

from classifier import paths
from classifier.errors import LabelDataError
from classifier.themes import load_themes

from .agreement import read_labels
from .dataset import REVIEW_DIR, load_examples, rewrite_rows
from .pipeline import ModelConfig
from .train import TrainingData, load_training_data, out_of_fold_scores


def contested(data: TrainingData, scores: np.ndarray, above: float, below: float) -> list[int]:
    """Rows where a given theme scores below `below` or a theme not given scores above `above`."""
    gold = data.matrix()
    wrong = (gold & (scores < below)) | (~gold & (scores > above))
    return [int(i) for i in np.flatnonzero(wrong.any(axis=1))]


def reviewed_ids(labels: Path) -> set[str]:
    """Ids already read by a second annotator (any file under labels/review/)."""
    return set(read_labels(sorted((labels / REVIEW_DIR).glob("*.jsonl"))))


def majority(first: set[str], readings: list[set[str]], keys: list[str]) -> set[str]:
    """Per theme, given when more than half of the first label and the readings give it; a tie keeps the
    first label, so one reading alone changes nothing and a third reading is needed only where two differ."""
    votes = [first, *readings]
    return {k for k in keys if 2 * sum(k in v for v in votes) + (k in first) > len(votes)}


def settled(
    first: set[str], readings: list[set[str]], keys: list[str], text: str, holds: dict[str, re.Pattern]
) -> set[str]:
    """The majority over `keys` (other themes keep their first reading), except that a theme the majority
    would add stays off where a settled convention holds (`holds`: theme → pattern of texts where the
    labels keep their first reading)."""
    themes = majority(first, readings, keys) | (first - set(keys))
    for key, pattern in holds.items():
        if key in themes - first and pattern.search(text):
            themes.discard(key)
    return themes


def settle(
    labels: Path,
    reading_files: list[Path],
    holds: dict[str, re.Pattern],
    write: bool,
    only: list[str] | None = None,
) -> Counter:
    """Settle every paragraph the readings cover, by the readings each has; rewrite the label files if
    `write`. `only` limits the settling to those themes (an audit of one convention); the others keep
    their first labels. Counts the changes."""
    keys = [theme.key for theme in load_themes(paths.themes_file(labels))]
    if only and set(only) - set(keys):
        raise LabelDataError([f"unknown theme {key!r}" for key in sorted(set(only) - set(keys))])
    readings = [read_labels([path]) for path in reading_files]
    unknown = [
        f"{path}: {row_id}: unknown theme {key!r}"
        for path, reading in zip(reading_files, readings, strict=True)
        for row_id, themes in reading.items()
        for key in sorted(themes - set(keys))
    ]
    if unknown:
        raise LabelDataError(unknown)
    new_themes: dict[Path, dict[str, list[str]]] = defaultdict(dict)
    changes: Counter = Counter()
    for example in load_examples(labels, keys):
        mine = [r[example.id] for r in readings if example.id in r]
        if not mine:
            continue
        first = set(example.themes)
        new = settled(first, mine, only or keys, example.text, holds)
        if new != first:
            changes.update([f"+{k}" for k in new - first] + [f"-{k}" for k in first - new] + ["paragraphs"])
            new_themes[example.file][example.id] = sorted(new)
    if write:
        for path, by_id in new_themes.items():
            rewrite_rows(
                path, lambda row, by_id=by_id: {**row, "themes": by_id[row["id"]]} if row["id"] in by_id else row
            )
    return changes


@click.group()
def main() -> None:
    """Find contested labels and settle them by blind readings."""


@main.command("contested")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--above", default=0.75, show_default=True, help="A theme not given but scored above this is contested.")
@click.option("--below", default=0.25, show_default=True, help="A theme given but scored below this is contested.")
@click.option("--include-reviewed", is_flag=True, help="Also list paragraphs a second annotator has read.")
def contested_command(output: Path, above: float, below: float, include_reviewed: bool) -> None:
    labels = paths.labels_dir()
    data = load_training_data(labels)
    scores = out_of_fold_scores(data, ModelConfig(), folds=5)
    skip = set() if include_reviewed else reviewed_ids(labels)
    rows = [i for i in contested(data, scores, above, below) if data.examples[i].id not in skip]
    with output.open("w", encoding="utf-8") as out:
        for i in rows:
            example = data.examples[i]
            out.write(json.dumps({"id": example.id, "text": example.text}, ensure_ascii=False) + "\n")
    click.echo(f"{len(rows)} contested paragraphs written to {output} (first labels left out)", err=True)


def _holds(values: tuple[str, ...]) -> dict[str, re.Pattern]:
    holds = {}
    for value in values:
        key, sep, pattern = value.partition("=")
        if not sep or not pattern:
            raise click.BadParameter(f"expected THEME=REGEX, got {value!r}", param_hint="--hold")
        holds[key] = re.compile(pattern)
    return holds


@main.command("settle")
@click.argument("readings", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--hold",
    multiple=True,
    metavar="THEME=REGEX",
    help="A settled convention: THEME is not added where the text matches REGEX. Repeatable.",
)
@click.option(
    "--theme",
    "themes",
    multiple=True,
    metavar="THEME",
    help="Settle only this theme (repeatable); the others keep their first labels. Default: all.",
)
@click.option("--dry-run", is_flag=True, help="Count the changes without rewriting the label files.")
def settle_command(readings: tuple[Path, ...], hold: tuple[str, ...], themes: tuple[str, ...], dry_run: bool) -> None:
    try:
        changes = settle(paths.labels_dir(), list(readings), _holds(hold), write=not dry_run, only=list(themes))
    except LabelDataError as error:
        raise click.ClickException(str(error)) from error
    for change, count in sorted(changes.items()):
        click.echo(f"{change}\t{count}")


if __name__ == "__main__":
    main()
