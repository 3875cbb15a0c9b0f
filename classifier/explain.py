"""Evidence: which words of a paragraph pushed a theme's score up, computed from the linear model.

A theme's decision value is intercept + Σ value(feature) × weight(feature, theme) over the paragraph's
TF-IDF features. Each feature's share is spread over the places it occurs — a word feature over its
word(s), a character n-gram over its characters — and each word (as jieba cut it in the text) collects
the shares that fall on it. The words with the largest positive totals are the evidence.
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
    spans = _word_spans(scorer, normalised)
    columns = [model.keys.index(t) for t in themes]
    per_char = np.zeros((len(normalised), len(columns)))
    per_word = np.zeros((len(spans), len(columns)))
    row = scorer.features([text])
    values = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
    for block in scorer.blocks:
        weights = scorer.weights[:, columns]
        if block.analyzer == "word":
            _spread_words(block, spans, values, weights, per_word)
        else:
            _spread_chars(block, normalised, values, weights, per_char)
    for index, (_, start, end) in enumerate(spans):
        per_word[index] += per_char[start:end].sum(axis=0)
    return {theme: _top_terms(spans, per_word[:, k], top) for k, theme in enumerate(themes)}


def _word_spans(scorer, normalised: str) -> list[tuple[str, int, int]]:
    """(word, start, end) of every token the model keeps, positions in the normalised text."""
    segmenter = scorer.segmenter
    spans, position = [], 0
    for token in segmenter.raw_tokens(normalised):
        if segmenter.keeps(token):
            spans.append((token, position, position + len(token)))
        position += len(token)
    return spans


def _spread_words(block, spans, values, weights, per_word) -> None:
    units = [block.token_ids.get(word, -1) for word, _, _ in spans]
    occurrences: dict[int, list[tuple[int, ...]]] = defaultdict(list)
    for index, unit in enumerate(units):
        if unit >= 0:
            occurrences[unit + block.offset].append((index,))
    for n, table in block.tables.items():
        for start in range(len(units) - n + 1):
            window = units[start : start + n]
            if min(window) < 0:
                continue
            key = 0
            for unit in window:
                key = key * block.base + unit
            found, column = table.lookup(np.array([key], dtype=np.int64))
            if found[0]:
                occurrences[int(column[0]) + block.offset].append(tuple(range(start, start + n)))
    for column, places in occurrences.items():
        share = values.get(column, 0.0) * weights[column] / sum(len(p) for p in places)
        for place in places:
            for index in place:
                per_word[index] += share


def _spread_chars(block, normalised, values, weights, per_char) -> None:
    codes = np.array([ord(c) for c in normalised], dtype=np.int64)
    low, high = block.ngram_range
    for n in range(low, high + 1):
        table = block.tables.get(n)
        if table is None or len(codes) < n:
            continue
        keys = codes[: len(codes) - n + 1].copy()
        for offset in range(1, n):
            keys = keys * block.base + codes[offset : offset + len(keys)]
        found, found_columns = table.lookup(keys)
        starts = np.flatnonzero(found)
        counts: dict[int, int] = defaultdict(int)
        for column in found_columns.tolist():
            counts[column] += 1
        for start, column in zip(starts.tolist(), found_columns.tolist(), strict=True):
            union_column = column + block.offset
            share = values.get(union_column, 0.0) * weights[union_column] / (counts[column] * n)
            per_char[start : start + n] += share


def _top_terms(spans, weights: np.ndarray, top: int) -> list[dict]:
    totals: dict[str, float] = defaultdict(float)
    for (word, _, _), weight in zip(spans, weights.tolist(), strict=True):
        totals[word] += weight
    ranked = sorted(((w, t) for t, w in totals.items() if w > 0), key=lambda p: (-p[0], p[1]))
    return [{"term": term, "weight": round(weight, 4)} for weight, term in ranked[:top]]
