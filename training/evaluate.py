"""Score a model against a labelled JSONL file: per-theme metrics, macro-F1, confusions, errors."""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifier.errors import LabelDataError
from classifier.model import ThemeModel

from .metrics import bootstrap_f1, confused_pairs, interval, macro_f1, resampled_macro, theme_rows


@dataclass
class LabelledFile:
    texts: list[str]
    gold: np.ndarray  # paragraphs × themes
    # Each paragraph's document (the optional "doc" field), so that uncertainty is estimated over documents:
    # paragraphs of one document share its style and its errors. A paragraph without one stands alone.
    documents: list[str]
    scores: np.ndarray | None = None


def read_gold(path: Path, keys: list[str]) -> LabelledFile:
    texts, gold, documents, problems = [], [], [], []
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
        documents.append(str(row.get("doc") or f"line {number}"))
    if problems:
        raise LabelDataError(problems)
    if not texts:
        raise LabelDataError([f"{path}: no labelled paragraphs"])
    return LabelledFile(texts, np.array(gold, dtype=bool), documents)


def score_file(model: ThemeModel, path: Path) -> LabelledFile:
    """A labelled file with the model's scores, scored once."""
    labelled = read_gold(path, model.keys)
    labelled.scores = model.score(labelled.texts)
    return labelled


def evaluate(model: ThemeModel, path: Path, threshold: float | None = None, scored=None) -> dict:
    """Metrics with 95% bootstrap intervals, confusions and errors; `scored` reuses a `score_file` result."""
    keys = model.keys
    scored = scored or score_file(model, path)
    texts, gold, scores = scored.texts, scored.gold, scored.scores
    predicted = scores >= model.cutoffs(threshold)
    rows = theme_rows(gold, predicted, keys)
    core = [t.key for t in model.themes if t.core]
    resampled = bootstrap_f1(gold, predicted, scored.documents)
    for j, row in enumerate(rows):
        row["f1_interval"] = interval(resampled[:, j])
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
        "documents": len(set(scored.documents)),
        "macro_f1_core_interval": interval(resampled_macro(resampled[:, [k in core for k in keys]])),
        "macro_f1_all_interval": interval(resampled_macro(resampled)),
        "confused_pairs": confused_pairs(gold, predicted, keys),
        "errors": errors,
    }
