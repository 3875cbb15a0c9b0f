"""Evidence: which words of a paragraph pushed a theme's score up, computed from the linear model.

A theme's decision value is intercept + Σ value(feature) × weight(feature, theme) over the paragraph's
TF-IDF features. Each feature's share is spread evenly over the characters of the places it occurs (a
word feature over its word(s), a character n-gram over its characters), and each word, as the segmenter
cut it in the text, collects the shares on its characters. The words with the largest positive totals
are the evidence.
"""

from collections import defaultdict

import numpy as np

from .normalize import normalize_text

TOP_TERMS = 8


def explain(model, text: str, themes: list[str], top: int = TOP_TERMS) -> dict[str, list[dict]]:
    """For each theme in `themes`: up to `top` {"term", "weight"} pairs, highest weight first."""
    if not themes:
        return {}
    scorer = model.scorer
    normalised = normalize_text(text)
    weights = scorer.weights[:, [model.keys.index(t) for t in themes]]
    row = scorer.features([text])
    values = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
    per_char = np.zeros((len(normalised), len(themes)))
    for block in scorer.blocks:
        _spread(block, normalised, values, weights, per_char)
    spans = _word_spans(scorer, normalised)
    per_word = np.array([per_char[start:end].sum(axis=0) for _, start, end in spans]).reshape(-1, len(themes))
    return {theme: _top_terms(spans, per_word[:, k], top) for k, theme in enumerate(themes)}


def _spread(block, normalised: str, values: dict, weights: np.ndarray, per_char: np.ndarray) -> None:
    """Add each feature occurrence's share of the decision evenly over the characters it covers; a
    feature that occurs several times splits its share between its occurrences."""
    units = block.units([normalised], np.array([len(normalised)]))
    hits = block.hits(units)
    if not len(hits.columns):
        return
    _, inverse, counts = np.unique(hits.columns, return_inverse=True, return_counts=True)
    union = hits.columns + block.offset
    value = np.array([values.get(column, 0.0) for column in union.tolist()])
    shares = (value / counts[inverse])[:, None] * weights[union]
    starts, ends = units.starts[hits.firsts].tolist(), units.ends[hits.lasts].tolist()
    for start, end, share in zip(starts, ends, shares, strict=True):
        per_char[start:end] += share / (end - start)


def _word_spans(scorer, normalised: str) -> list[tuple[str, int, int]]:
    """(word, start, end) of every token the model keeps, positions in the normalised text."""
    segmenter = scorer.segmenter
    spans, position = [], 0
    if segmenter is None:
        return [(char, i, i + 1) for i, char in enumerate(normalised) if not char.isspace()]
    for token in segmenter.raw_tokens(normalised):
        if segmenter.keeps(token):
            spans.append((token, position, position + len(token)))
        position += len(token)
    return spans


def _top_terms(spans, weights: np.ndarray, top: int) -> list[dict]:
    totals: dict[str, float] = defaultdict(float)
    for (word, _, _), weight in zip(spans, weights.tolist(), strict=True):
        totals[word] += weight
    ranked = sorted(((w, t) for t, w in totals.items() if w > 0), key=lambda p: (-p[0], p[1]))
    return [{"term": term, "weight": round(weight, 4)} for weight, term in ranked[:top]]
