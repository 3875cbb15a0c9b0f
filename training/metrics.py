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


BOOTSTRAP_RESAMPLES = 1000


def bootstrap_f1(gold: np.ndarray, predicted: np.ndarray, documents: list[str], seed: int = 0) -> np.ndarray:
    """Per-theme F1 on resamples of whole documents: resamples × themes, NaN where undefined.

    Documents rather than paragraphs are resampled, because a document's paragraphs share its wording and
    its errors: the spread says how far another file of as many documents of the same kind could move
    the scores. Seeded, so the same input gives the same spread.
    """
    _, owner = np.unique(documents, return_inverse=True)
    groups = owner.max() + 1
    draws = np.random.default_rng(seed).multinomial(groups, np.full(groups, 1 / groups), BOOTSTRAP_RESAMPLES)
    weights = draws[:, owner]  # resamples × paragraphs: how often each paragraph's document was drawn
    tp, fp, fn = (weights @ cells for cells in (gold & predicted, ~gold & predicted, gold & ~predicted))
    denominator = 2 * tp + fp + fn
    # A resample with the theme neither given nor predicted says nothing about it: undefined, not 0.
    return np.divide(2 * tp, denominator, out=np.full(tp.shape, np.nan), where=denominator > 0)


def resampled_macro(samples: np.ndarray) -> np.ndarray:
    """Per resample, macro-F1 over the themes it defines (NaN where it defines none)."""
    defined = ~np.isnan(samples)
    total = np.where(defined, samples, 0).sum(axis=1)
    return np.divide(total, defined.sum(axis=1), out=np.full(len(samples), np.nan), where=defined.any(axis=1))


def interval(samples: np.ndarray) -> list[float] | None:
    """The central 95% of bootstrap samples (undefined ones left out); None if none is defined."""
    defined = samples[~np.isnan(samples)]
    return [round(float(v), 4) for v in np.percentile(defined, [2.5, 97.5])] if len(defined) else None


# Out-of-fold F1 within this much of the best counts as level: across that plateau (often 0.35-0.65) the
# choice is noise, which moved thresholds by up to 0.25 between data rounds (docs/modelling.md).
F1_PLATEAU = 0.005


def best_threshold(gold: np.ndarray, scores: np.ndarray, plateau: float = F1_PLATEAU) -> float:
    """The grid threshold nearest 0.5 among those whose F1 is within `plateau` of the best.

    0.5 is the balanced classifier's own boundary; it is moved only as far as the out-of-fold scores
    show a clear gain.
    """
    f1 = np.array([_f1(gold, scores >= threshold) for threshold in THRESHOLD_GRID])
    level = THRESHOLD_GRID[f1 >= f1.max() - plateau - 1e-12]
    return float(level[np.argmin(np.abs(level - 0.5))])


def _f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    denominator = np.sum(gold) + np.sum(predicted)
    return 2 * float(np.sum(gold & predicted)) / denominator if denominator else 0.0


def format_table(rows: list[dict], core: list[str]) -> str:
    """Per-theme rows, with their F1's 95% interval when the rows carry one, and the macro-F1s."""
    lines = [f"{'theme':<22} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
    with_intervals = any(r.get("f1_interval") for r in rows)
    if with_intervals:
        lines[0] += f"  {'f1 95% interval':>15}"
    for r in rows:
        line = f"{r['theme']:<22} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['f1']:>6.3f} {r['support']:>8d}"
        if with_intervals:
            low_high = r.get("f1_interval")
            line += f"  {f'{low_high[0]:.3f}–{low_high[1]:.3f}' if low_high else '-':>15}"
        lines.append(line)
    lines.append(f"{'macro-F1 core':<22} {macro_f1(rows, core):>31.3f}")
    lines.append(f"{'macro-F1 all':<22} {macro_f1(rows):>31.3f}")
    return "\n".join(lines)
