"""The model: one pipeline (normalise → segment → features → linear model) plus thresholds and metadata.

Scores are computed in `score` and turned into themes in `decide`, the one place where that happens,
for the service and the CLI alike.
"""

import pickle
import re
import zlib
from dataclasses import dataclass

import numpy as np

from .errors import InputTextError, ModelLoadError, TextTooLongError
from .pooling import pooled_scores
from .themes import Theme

# Bumped whenever the saved structure changes (the compiled fast path is pickled inside the model).
MODEL_FORMAT = 6


@dataclass
class Prediction:
    themes: list[str]
    scores: dict[str, float]
    evidence: dict[str, list[dict]] | None = None  # theme → [{"term", "weight"}], when asked for
    warning: str | None = None


NO_CHINESE = "no Chinese text found: the themes are only meaningful for Chinese policy text"
_CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class ThemeModel:
    """Themes, thresholds and metadata around two equivalent scorers.

    `scorer` (the fast path) serves every prediction. `pipeline`, the fitted scikit-learn Pipeline, is
    the reference it was compiled from; it is stored pickled inside the model and only unpickled when
    asked for, so serving neither imports scikit-learn nor pays for it.
    """

    baseline = False  # True: score through the Pipeline (see as_reference)

    def __init__(self, pipeline, themes: list[Theme], thresholds: dict[str, float], metadata: dict):
        from .fastpath import CompiledScorer

        self._pipeline = pipeline
        self._pipeline_blob = None
        self.scorer = CompiledScorer(pipeline)
        self.format = MODEL_FORMAT
        self.themes = list(themes)
        self.thresholds = dict(thresholds)
        self.metadata = dict(metadata)

    def __getstate__(self):
        state = dict(self.__dict__)
        # Compressed: only the reference path needs it, and it should not weigh on every worker's memory.
        if self._pipeline_blob is None and self._pipeline is None:
            raise ModelLoadError("a model loaded for serving only cannot be saved: it has no Pipeline")
        state["_pipeline_blob"] = self._pipeline_blob or zlib.compress(pickle.dumps(self._pipeline, protocol=5), 1)
        state["_pipeline"] = None
        return state

    @property
    def pipeline(self):
        if self._pipeline is None:
            if self._pipeline_blob is None:
                raise ModelLoadError("this model was loaded for serving only: load its file again for the Pipeline")
            self._pipeline = pickle.loads(zlib.decompress(self._pipeline_blob))
        return self._pipeline

    def serving_only(self) -> "ThemeModel":
        """Drop the reference Pipeline (about 6 MB a worker), which scoring through the fast path never uses.
        The model can no longer be saved or turned into the reference afterwards."""
        self._pipeline = self._pipeline_blob = None
        return self

    def as_reference(self, engine: str = "jieba") -> "ThemeModel":
        """A copy that scores through the Pipeline with the given segmentation engine: the baseline."""
        import copy

        from .segment import Segmenter

        reference = copy.copy(self)
        pipeline = copy.deepcopy(self.pipeline)
        words = dict(pipeline.named_steps["features"].transformer_list).get("words")
        if words is not None:
            words.tokenizer = Segmenter(words.tokenizer.user_words, engine)
        reference._pipeline = pipeline
        reference.baseline = True
        return reference

    @property
    def segmenter(self):
        return self.scorer.segmenter

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.themes]

    @property
    def version(self) -> str:
        return self.metadata["version"]

    def warm_up(self) -> None:
        """Load jieba and OpenCC now and run one prediction, so the first real request is fast."""
        if self.segmenter is not None:
            self.segmenter.warm_up()
        self.score(["预热"])

    @property
    def sentence_weight(self) -> float:
        return float(self.metadata.get("config", {}).get("sentence_weight", 0.0))

    def score(self, texts: list[str]) -> np.ndarray:
        """Score per text and theme in [0, 1], shape (len(texts), len(themes)), through the fast path."""
        if self.baseline:
            return self.score_reference(texts)
        return self.scorer.score_pooled(list(texts), self.sentence_weight)

    def score_reference(self, texts: list[str]) -> np.ndarray:
        """The same scores through the scikit-learn Pipeline: the oracle the fast path is tested against."""
        return pooled_scores(list(texts), self._reference_proba, self.sentence_weight)

    def _reference_proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.themes)))
        return np.asarray(self.pipeline.predict_proba(texts), dtype=float)

    def cutoffs(self, threshold: float | None = None) -> np.ndarray:
        """Per theme, the score at or above which it is given: its own threshold or one override."""
        return np.array([self.thresholds[k] if threshold is None else threshold for k in self.keys])

    def decide(self, scores: np.ndarray, threshold: float | None = None) -> list[str]:
        """Themes at or above their threshold (or one global override), highest score first."""
        return _ranked(self.keys, scores.tolist(), (scores >= self.cutoffs(threshold)).tolist())

    def predict(self, texts: list[str], threshold: float | None = None, explain: bool = False) -> list[Prediction]:
        matrix = self.score(texts)
        keys = self.keys
        given = (matrix >= self.cutoffs(threshold)).tolist()
        predictions = [
            Prediction(_ranked(keys, row, flags), dict(zip(keys, row, strict=True)))
            for row, flags in zip(matrix.tolist(), given, strict=True)
        ]
        for text, prediction in zip(texts, predictions, strict=True):
            if not _CHINESE.search(text):
                # The model knows Chinese words only; anything it says about other text is noise.
                prediction.themes, prediction.warning = [], NO_CHINESE
        if explain:
            from .explain import explain as evidence_for

            for text, prediction in zip(texts, predictions, strict=True):
                prediction.evidence = evidence_for(self, text, prediction.themes)
        return predictions


def _ranked(keys: list[str], scores: list[float], given: list[bool]) -> list[str]:
    picked = [(score, key) for key, score, flag in zip(keys, scores, given, strict=True) if flag]
    return [key for _, key in sorted(picked, key=lambda p: (-p[0], p[1]))]


def check_text(text, max_chars: int) -> str:
    """The text if it is usable for classification, else a typed error saying why."""
    if not isinstance(text, str):
        raise InputTextError(f"text must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InputTextError("text is empty")
    if len(text) > max_chars:
        raise TextTooLongError(f"text has {len(text)} characters; the limit is {max_chars}")
    return text
