"""Multi-label scores: per-theme precision/recall/F1, macro averages, confused pairs, thresholds."""

from collections import Counter

import numpy as np

THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def theme_rows(gold: np.ndarray, predicted: np.ndarray, keys: list[str]) -> list[dict]:
    rows = []
    for j, key in enumerate(keys):
        tp = int(np.sum(gold[:, j] & predicted[:, j]))
        fp = int(np.sum(~gold[:, j] & predicted[:, j]))
        fn = int(np.sum(gold[:, j] & ~predicted[:, j]))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"theme": key, "precision": precision, "recall": recall, "f1": f1, "support": tp + fn})
    return rows


def macro_f1(rows: list[dict], keys: list[str] | None = None) -> float:
    chosen = [r["f1"] for r in rows if keys is None or r["theme"] in keys]
    return float(np.mean(chosen)) if chosen else 0.0


def confused_pairs(gold: np.ndarray, predicted: np.ndarray, keys: list[str], top: int = 10) -> list[dict]:
    """(gold theme missed, other theme predicted instead) counted over paragraphs."""
    counts: Counter = Counter()
    for g_row, p_row in zip(gold, predicted, strict=True):
        missed = [keys[j] for j in np.flatnonzero(g_row & ~p_row)]
        extra = [keys[j] for j in np.flatnonzero(p_row & ~g_row)]
        counts.update((m, e) for m in missed for e in extra)
    return [{"gold": g, "predicted": p, "count": n} for (g, p), n in counts.most_common(top)]


def best_threshold(gold: np.ndarray, scores: np.ndarray) -> float:
    """The grid threshold with the highest F1; ties go to the threshold nearest 0.5."""
    best, best_key = 0.5, (-1.0, 0.0)
    for threshold in THRESHOLD_GRID:
        predicted = scores >= threshold
        tp = np.sum(gold & predicted)
        denominator = np.sum(gold) + np.sum(predicted)
        f1 = 2 * tp / denominator if denominator else 0.0
        key = (round(float(f1), 6), -abs(float(threshold) - 0.5))
        if key > best_key:
            best, best_key = float(threshold), key
    return best


def format_table(rows: list[dict], core: list[str]) -> str:
    lines = [f"{'theme':<22} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    for r in rows:
        lines.append(f"{r['theme']:<22} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['f1']:>6.3f} {r['support']:>8d}")
    lines.append(f"{'macro-F1 core':<22} {macro_f1(rows, core):>31.3f}")
    lines.append(f"{'macro-F1 all':<22} {macro_f1(rows):>31.3f}")
    return "\n".join(lines)
