"""The model: one pipeline (normalise → segment → features → linear model) plus thresholds and metadata.

Scores are computed in `score` and turned into themes in `decide`, the one place where that happens,
for the service and the CLI alike.
"""

from dataclasses import dataclass

import numpy as np

from .errors import InputTextError, TextTooLongError
from .themes import Theme


@dataclass
class Prediction:
    themes: list[str]
    scores: dict[str, float]


class ThemeModel:
    def __init__(self, pipeline, segmenter, themes: list[Theme], thresholds: dict[str, float], metadata: dict):
        self.pipeline = pipeline
        self.segmenter = segmenter  # the same object the pipeline's word vectorizer calls
        self.themes = list(themes)
        self.thresholds = dict(thresholds)
        self.metadata = dict(metadata)
        self._scorer = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_scorer"] = None  # rebuilt from the pipeline after loading
        return state

    @property
    def scorer(self):
        if self._scorer is None:
            from .fastpath import CompiledScorer

            self._scorer = CompiledScorer(self.pipeline)
        return self._scorer

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.themes]

    @property
    def version(self) -> str:
        return self.metadata["version"]

    def warm_up(self) -> None:
        """Load jieba and OpenCC now and run one prediction, so the first real request is fast."""
        self.segmenter.warm_up()
        self.score(["预热"])  # also builds the fast path

    def score(self, texts: list[str]) -> np.ndarray:
        """Probability per text and theme, shape (len(texts), len(themes)), through the fast path."""
        return self.scorer.score(list(texts))

    def score_reference(self, texts: list[str]) -> np.ndarray:
        """The same scores through the scikit-learn Pipeline: the oracle the fast path is tested against."""
        if not texts:
            return np.zeros((0, len(self.themes)))
        return np.asarray(self.pipeline.predict_proba(list(texts)), dtype=float)

    def decide(self, scores: np.ndarray, threshold: float | None = None) -> list[str]:
        """Themes at or above their threshold (or one global override), highest score first."""
        picked = [
            (float(s), key)
            for key, s in zip(self.keys, scores, strict=True)
            if s >= (self.thresholds[key] if threshold is None else threshold)
        ]
        return [key for _, key in sorted(picked, key=lambda p: (-p[0], p[1]))]

    def predict(self, texts: list[str], threshold: float | None = None) -> list[Prediction]:
        matrix = self.score(texts)
        return [
            Prediction(self.decide(row, threshold), {k: float(s) for k, s in zip(self.keys, row, strict=True)})
            for row in matrix
        ]


def check_text(text, max_chars: int) -> str:
    """The text if it is usable for classification, else a typed error saying why."""
    if not isinstance(text, str):
        raise InputTextError(f"text must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InputTextError("text is empty")
    if len(text) > max_chars:
        raise TextTooLongError(f"text has {len(text)} characters; the limit is {max_chars}")
    return text
