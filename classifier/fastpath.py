"""The model's fast path: vocabulary lookups and one small dot product per paragraph.

It computes exactly what the saved scikit-learn Pipeline computes (normalise → TF-IDF blocks → one
logistic regression per theme) without the Pipeline's per-call overhead. The Pipeline stays the
reference: tests check both give the same scores to 1e-9.
"""

import re
from dataclasses import dataclass

import numpy as np

from .normalize import normalize_text

_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzer folds


@dataclass
class FeatureBlock:
    """One TfidfVectorizer of the FeatureUnion, as plain data."""

    analyzer: str  # "word" or "char"
    tokenizer: object  # the Segmenter, for word blocks
    ngram_range: tuple[int, int]
    vocabulary: dict
    idf: np.ndarray
    sublinear_tf: bool
    offset: int  # first column of this block in the union

    @classmethod
    def from_vectorizer(cls, vectorizer, offset: int) -> "FeatureBlock":
        if vectorizer.analyzer not in ("word", "char") or vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise ValueError("fast path supports l2-normalised TF-IDF over word or char n-grams")
        return cls(
            vectorizer.analyzer,
            vectorizer.tokenizer,
            tuple(vectorizer.ngram_range),
            vectorizer.vocabulary_,
            np.asarray(vectorizer.idf_, dtype=np.float64),
            bool(vectorizer.sublinear_tf),
            offset,
        )

    def grams(self, text: str) -> list[str]:
        low, high = self.ngram_range
        if self.analyzer == "word":
            units, join = self.tokenizer(text), " ".join
        else:
            units, join = _WHITE_SPACES.sub(" ", text), "".join
        grams = list(units) if low == 1 else []
        count = len(units)
        for n in range(max(low, 2), min(high, count) + 1):
            grams += [join(units[i : i + n]) for i in range(count - n + 1)]
        return grams

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, l2-normalised TF-IDF values) of one normalised text."""
        get = self.vocabulary.get
        found = [i for i in map(get, self.grams(text)) if i is not None]
        if not found:
            return _EMPTY_INDEX, _EMPTY_VALUES
        columns, counts = np.unique(np.array(found, dtype=np.int64), return_counts=True)
        tf = counts.astype(np.float64)
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[columns]
        values /= np.sqrt(values @ values)
        return columns + self.offset, values


_EMPTY_INDEX = np.zeros(0, dtype=np.int64)
_EMPTY_VALUES = np.zeros(0, dtype=np.float64)


class CompiledScorer:
    """Scores texts like `pipeline.predict_proba`, built from a fitted pipeline."""

    def __init__(self, pipeline):
        union = pipeline.named_steps["features"]
        self.blocks, offset = [], 0
        for _, vectorizer in union.transformer_list:
            self.blocks.append(FeatureBlock.from_vectorizer(vectorizer, offset))
            offset += len(vectorizer.idf_)
        estimators = pipeline.named_steps["model"].estimators_
        if not all(hasattr(e, "coef_") for e in estimators):
            raise ValueError("fast path needs a fitted linear model for every theme")
        self.weights = np.ascontiguousarray(np.column_stack([e.coef_.ravel() for e in estimators]))
        self.intercept = np.array([float(e.intercept_[0]) for e in estimators])

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values of the union's feature row for a raw text."""
        normalised = normalize_text(text)
        parts = [block.vector(normalised) for block in self.blocks]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def score(self, texts: list[str]) -> np.ndarray:
        scores = np.empty((len(texts), len(self.intercept)))
        for row, text in enumerate(texts):
            columns, values = self.features(text)
            scores[row] = values @ self.weights[columns]
        scores += self.intercept
        return 1.0 / (1.0 + np.exp(-scores))
