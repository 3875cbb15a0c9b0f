"""Sentence pooling: a paragraph's score mixes its own score with its best sentence's score.

Real paragraphs are often long lists in which one sentence carries a theme; over the whole paragraph
that sentence's words are diluted. Scoring sentences too and mixing in the best one keeps them
visible. The same function serves the fast path and the reference Pipeline.
"""

import re
from collections.abc import Callable

import numpy as np

_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")
MIN_SENTENCE_CHARS = 8  # shorter pieces ("一是", "（三）") carry no theme of their own


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, or [] when it has fewer than two."""
    pieces = [p for p in _SENTENCE_END.split(text) if len(p.strip()) >= MIN_SENTENCE_CHARS]
    return pieces if len(pieces) > 1 else []


def pooled_scores(texts: list[str], score: Callable[[list[str]], np.ndarray], weight: float) -> np.ndarray:
    """(1 - weight) · paragraph score + weight · best sentence score, per text and theme."""
    if weight == 0:
        return score(texts)
    owners, pieces = [], []
    for index, text in enumerate(texts):
        found = sentences(text)
        owners += [index] * len(found)
        pieces += found
    scores = score(list(texts) + pieces)
    paragraph, sentence = scores[: len(texts)], scores[len(texts) :]
    best = paragraph.copy()
    if pieces:
        owners_array = np.array(owners)
        best[np.unique(owners_array)] = -np.inf
        np.maximum.at(best, owners_array, sentence)
    return (1.0 - weight) * paragraph + weight * best
