"""Score a model against a labelled JSONL file: per-theme metrics, macro-F1, confusions, errors."""

import json
from pathlib import Path

import numpy as np

from classifier.errors import LabelDataError
from classifier.model import ThemeModel

from .metrics import confused_pairs, macro_f1, theme_rows


def read_gold(path: Path, keys: list[str]) -> tuple[list[str], np.ndarray]:
    texts, gold, problems = [], [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, themes = row["text"], row["themes"]
        except (json.JSONDecodeError, KeyError, TypeError):
            problems.append(f"{path}:{number}: need a JSON object with 'text' and 'themes'")
            continue
        unknown = set(themes) - set(keys)
        if unknown:
            problems.append(f"{path}:{number}: themes unknown to this model: {', '.join(sorted(unknown))}")
            continue
        texts.append(text)
        gold.append([k in themes for k in keys])
    if problems:
        raise LabelDataError(problems)
    if not texts:
        raise LabelDataError([f"{path}: no labelled paragraphs"])
    return texts, np.array(gold, dtype=bool)


def score_file(model: ThemeModel, path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(texts, gold matrix, score matrix) for a labelled file, scored once."""
    texts, gold = read_gold(path, model.keys)
    return texts, gold, model.score(texts)


def evaluate(model: ThemeModel, path: Path, threshold: float | None = None, scored=None) -> dict:
    """Metrics, confusions and errors; `scored` reuses a `score_file` result."""
    keys = model.keys
    texts, gold, scores = scored or score_file(model, path)
    predicted = scores >= model.cutoffs(threshold)
    rows = theme_rows(gold, predicted, keys)
    core = [t.key for t in model.themes if t.core]
    errors = [
        {
            "text": text,
            "gold": [k for k, g in zip(keys, gold_row, strict=True) if g],
            "predicted": model.decide(score_row, threshold),
            "scores": {k: round(float(s), 4) for k, s in zip(keys, score_row, strict=True)},
        }
        for text, gold_row, pred_row, score_row in zip(texts, gold, predicted, scores, strict=True)
        if (gold_row != pred_row).any()
    ]
    return {
        "file": str(path),
        "model": model.version,
        "paragraphs": len(texts),
        "per_theme": rows,
        "macro_f1_core": macro_f1(rows, core),
        "macro_f1_all": macro_f1(rows),
        "confused_pairs": confused_pairs(gold, predicted, keys),
        "errors": errors,
    }
