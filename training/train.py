"""Cross-validate, choose a threshold per theme from out-of-fold scores, fit on all data, save."""

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from classifier import paths
from classifier.model import ThemeModel
from classifier.pooling import pooled_scores
from classifier.segment import read_user_words
from classifier.themes import Theme, load_themes

from .dataset import Example, data_sha256, load_examples
from .metrics import best_threshold, confused_pairs, macro_f1, theme_rows
from .pipeline import ModelConfig, build_pipeline

RECORDED_PACKAGES = ("scikit-learn", "jieba", "numpy", "scipy", "joblib", "opencc")


@dataclass
class TrainingData:
    themes: list[Theme]
    user_words: list[str]
    examples: list[Example]

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.themes]

    @property
    def core(self) -> list[str]:
        return [t.key for t in self.themes if t.core]

    def texts(self) -> list[str]:
        return [e.text for e in self.examples]

    def matrix(self) -> np.ndarray:
        """Boolean (examples × themes) label matrix."""
        return np.array([[k in e.themes for k in self.keys] for e in self.examples], dtype=bool)


def load_training_data(labels: Path) -> TrainingData:
    themes = load_themes(paths.themes_file(labels))
    dictionary = paths.dictionary_file(labels)
    words = read_user_words(dictionary) if dictionary.is_file() else []
    return TrainingData(themes, words, load_examples(labels, [t.key for t in themes]))


# What forked fold workers read: set just before the pool forks, so the data reaches them by inheritance
# rather than by pickling or joblib's memory-mapping (which liblinear does not survive).
_FOLD_INPUT: dict = {}


def _fold_scores(train_idx: np.ndarray, test_idx: np.ndarray) -> np.ndarray:
    """Fit on one fold's training part, score its held-out part (pooled, as the product scores).

    Every fold refits the one pipeline (each worker its own forked copy), so its segmenter's memo
    carries over from fold to fold."""
    pipeline, sentence_weight = _FOLD_INPUT["pipeline"], _FOLD_INPUT["sentence_weight"]
    texts, gold = _FOLD_INPUT["texts"], _FOLD_INPUT["gold"]
    pipeline.fit(list(texts[train_idx]), gold[train_idx].astype(int))
    return pooled_scores(list(texts[test_idx]), pipeline.predict_proba, sentence_weight)


def _fold_pool(jobs: int) -> ProcessPoolExecutor | None:
    """A pool of forked processes, or None where fork is unavailable or one job is asked for."""
    if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))


def fold_splits(data: TrainingData, folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) indices per fold, whole documents to a fold.

    Paragraphs of one document share its phrasing; scoring them with a model that saw their neighbours
    would flatter the cross-validation and the thresholds chosen on it (docs/modelling.md).
    """
    documents = [e.document for e in data.examples]
    return list(GroupKFold(folds, shuffle=True, random_state=0).split(documents, groups=documents))


def out_of_fold_scores(
    data: TrainingData,
    config: ModelConfig,
    folds: int,
    jobs: int | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> np.ndarray:
    """Out-of-fold scores, the folds fitted on `jobs` cores (default: all, up to the number of folds).

    `meanwhile`, if given, runs in this process while the workers fit the folds (the final fit), so that
    it overlaps them instead of following them.
    """
    texts, gold = np.array(data.texts(), dtype=object), data.matrix()
    splits = fold_splits(data, folds)
    pipeline, segmenter = build_pipeline(data.user_words, config)
    segmenter.remember(True)
    _FOLD_INPUT.update(pipeline=pipeline, sentence_weight=config.sentence_weight, texts=texts, gold=gold)
    pool = _fold_pool(min(folds, jobs or os.cpu_count() or 1))
    try:
        with pool or nullcontext():
            futures = [pool.submit(_fold_scores, *split) for split in splits] if pool else []
            if meanwhile is not None:
                meanwhile()
            results = [f.result() for f in futures] if pool else [_fold_scores(*split) for split in splits]
    finally:
        _FOLD_INPUT.clear()
    scores = np.zeros(gold.shape)
    for (_, test_idx), fold_scores in zip(splits, results, strict=True):
        scores[test_idx] = fold_scores
    return scores


# Below this many positive paragraphs of a theme among the whole documents, its threshold comes from all.
MIN_POSITIVES_FOR_THRESHOLD = 30


def choose_thresholds(data: TrainingData, gold: np.ndarray, scores: np.ndarray, sample: str) -> dict[str, float]:
    """Per theme, the threshold with the best F1 on the out-of-fold scores of the chosen sample.

    The single-paragraph rounds are enriched on purpose with hard cases (a quarter to a half hard negatives),
    so their mix is unlike real text's and would move the thresholds with every round; paragraphs written as
    whole documents carry the proportions of real documents.
    """
    if sample not in ("documents", "all"):
        raise ValueError(f"threshold sample must be 'documents' or 'all', not {sample!r}")
    documents = np.array([e.from_whole_document for e in data.examples], dtype=bool)
    thresholds = {}
    for j, key in enumerate(data.keys):
        enough = sample == "documents" and gold[documents, j].sum() >= MIN_POSITIVES_FOR_THRESHOLD
        rows = documents if enough else slice(None)
        thresholds[key] = best_threshold(gold[rows, j], scores[rows, j])
    return thresholds


def cross_validate(
    data: TrainingData, config: ModelConfig, folds: int, meanwhile: Callable[[], None] | None = None
) -> tuple[dict, dict, np.ndarray]:
    """Thresholds chosen on out-of-fold scores, the metrics those thresholds give, and the scores."""
    gold, scores = data.matrix(), out_of_fold_scores(data, config, folds, meanwhile=meanwhile)
    thresholds = choose_thresholds(data, gold, scores, config.threshold_sample)
    predicted = scores >= np.array([thresholds[k] for k in data.keys])
    rows = theme_rows(gold, predicted, data.keys)
    metrics = {
        "folds": folds,
        "per_theme": rows,
        "macro_f1_core": macro_f1(rows, data.core),
        "macro_f1_all": macro_f1(rows),
        "confused_pairs": confused_pairs(gold, predicted, data.keys),
    }
    return thresholds, metrics, scores


@dataclass
class TrainingRun:
    model: ThemeModel
    gold: np.ndarray  # examples × themes
    out_of_fold: np.ndarray  # the cross-validation scores the thresholds were chosen on


def train(labels: Path, config: ModelConfig | None = None, folds: int = 5) -> TrainingRun:
    config = config or ModelConfig()
    data = load_training_data(labels)
    pipeline, segmenter = build_pipeline(data.user_words, config)

    def fit_final() -> None:
        segmenter.remember(True)
        pipeline.fit(data.texts(), data.matrix().astype(int))
        segmenter.remember(False)

    thresholds, metrics, scores = cross_validate(data, config, folds, meanwhile=fit_final)
    model = ThemeModel(pipeline, data.themes, thresholds, _metadata(data, config, metrics))
    return TrainingRun(model, data.matrix(), scores)


def train_model(labels: Path, config: ModelConfig | None = None, folds: int = 5) -> ThemeModel:
    return train(labels, config, folds).model


def _metadata(data: TrainingData, config: ModelConfig, metrics: dict) -> dict:
    packages = {name: version(name) for name in RECORDED_PACKAGES}
    digest = data_sha256(data.examples, extra="\n".join(data.user_words).encode("utf-8"))
    fingerprint = json.dumps([digest, config.as_dict(), data.keys, packages], sort_keys=True)
    return {
        "version": "pt-" + hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:12],
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_sha256": digest,
        "examples": len(data.examples),
        "dictionary_terms": len(data.user_words),
        "packages": packages,
        "config": config.as_dict(),
        "themes": [t.as_dict() for t in data.themes],
        "cv": metrics,
    }
