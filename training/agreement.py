"""Agreement between the labels and an independent second labelling pass (`labels/review/*.jsonl`).

Run: `python -m training.agreement` — prints per-theme agreement F1 and Cohen's kappa as a Markdown table.
"""

import json
import sys
from pathlib import Path

import numpy as np

from classifier import paths
from classifier.errors import LabelDataError

from .dataset import REVIEW_DIR, label_files
from .metrics import macro_f1, theme_rows


def read_labels(files: list[Path]) -> dict[str, set[str]]:
    """Theme sets by id from `{id, themes, ...}` lines (label files or second readings)."""
    found = {}
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                found[str(row["id"])] = set(row["themes"])
            except (ValueError, KeyError, TypeError) as error:
                raise LabelDataError([f"{path}:{number}: expected {{id, themes}}: {error}"]) from error
    return found


def kappa(first: np.ndarray, second: np.ndarray) -> float:
    observed = float(np.mean(first == second))
    p1, p2 = first.mean(), second.mean()
    expected = p1 * p2 + (1 - p1) * (1 - p2)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def agreement_tables(labels: Path) -> str:
    """One table per second-pass file under labels/review/."""
    return "\n\n".join(
        f"### {path.name}\n\n{agreement_table(labels, [path])}"
        for path in sorted((labels / REVIEW_DIR).glob("*.jsonl"))
    )


def agreement_table(labels: Path, second_files: list[Path]) -> str:
    from classifier.themes import load_themes

    themes = load_themes(paths.themes_file(labels))
    keys, core = [t.key for t in themes], [t.key for t in themes if t.core]
    first = read_labels(label_files(labels))
    second = read_labels(second_files)
    ids = [i for i in second if i in first]
    a = np.array([[k in first[i] for k in keys] for i in ids], dtype=bool)
    b = np.array([[k in second[i] for k in keys] for i in ids], dtype=bool)
    rows = theme_rows(a, b, keys)
    lines = [
        f"{len(ids)} paragraphs labelled twice; exact same theme set on {np.mean((a == b).all(axis=1)):.1%}.",
        "",
        "| theme | first pass | second pass | agreement F1 | Cohen's kappa |",
        "|---|---|---|---|---|",
    ]
    for j, row in enumerate(rows):
        lines.append(
            f"| {row['theme']} | {int(a[:, j].sum())} | {int(b[:, j].sum())} | {row['f1']:.3f} | "
            f"{kappa(a[:, j], b[:, j]):.3f} |"
        )
    lines.append(f"| macro (core 4) | | | {macro_f1(rows, core):.3f} | |")
    lines.append(f"| macro (all 10) | | | {macro_f1(rows):.3f} | |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(agreement_tables(Path(sys.argv[1]) if len(sys.argv) > 1 else paths.labels_dir()))
