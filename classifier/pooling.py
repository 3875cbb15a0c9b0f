"""Sentence pooling: a paragraph's score mixes its own score with its best sentence's score.

Real paragraphs are often long lists in which one sentence carries a theme; over the whole paragraph
that sentence's words are diluted. Scoring sentences too and mixing in the best one keeps them
visible. Sentences are cut from the normalised paragraph, after its sentence-final punctuation; the
same definition serves the reference Pipeline (`pooled_scores`) and the fast path.
"""

import re
from collections.abc import Callable

import numpy as np

from .normalize import normalize_text

_SENTENCE_END = re.compile(r"[。;!?；！？]")  # after normalisation the full-width forms are rare
MIN_SENTENCE_CHARS = 8  # shorter pieces ("一是", "(三)") carry no theme of their own


def sentence_spans(normalised: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a normalised paragraph, spaces trimmed; [] for fewer than two."""
    spans, start = [], 0
    cuts = [m.end() for m in _SENTENCE_END.finditer(normalised)] + [len(normalised)]
    for end in cuts:
        piece = normalised[start:end]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right - left >= MIN_SENTENCE_CHARS:
            spans.append((start + left, start + right))
        start = end
    return spans if len(spans) > 1 else []


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (normalised), or [] when it has fewer than two."""
    normalised = normalize_text(text)
    return [normalised[a:b] for a, b in sentence_spans(normalised)]


def combine(paragraph: np.ndarray, sentence: np.ndarray, owners: np.ndarray, weight: float) -> np.ndarray:
    """(1 - weight) · paragraph score + weight · best sentence score (the paragraph's own if it has none)."""
    best = paragraph.copy()
    if len(owners):
        best[np.unique(owners)] = -np.inf
        np.maximum.at(best, owners, sentence)
    return (1.0 - weight) * paragraph + weight * best


def pooled_scores(texts: list[str], score: Callable[[list[str]], np.ndarray], weight: float) -> np.ndarray:
    """Pooled scores through any scorer of texts (the reference Pipeline's predict_proba)."""
    if weight == 0:
        return score(texts)
    owners, pieces = [], []
    for index, text in enumerate(texts):
        found = sentences(text)
        owners += [index] * len(found)
        pieces += found
    scores = score(list(texts) + pieces)
    return combine(scores[: len(texts)], scores[len(texts) :], np.array(owners, dtype=np.int64), weight)
