"""Modelling comparison: cross-validation and a held-out labelled file for each configuration.

Run: `python -m training.compare [DEV.jsonl] > docs/modelling.md`. Each row retrains from labels/ with one
change from the product configuration; thresholds always come from out-of-fold scores, never from DEV.
"""

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from classifier import paths
from classifier.model import ThemeModel
from classifier.pooling import pooled_scores

from .evaluate import read_gold
from .metrics import macro_f1, theme_rows
from .pipeline import ModelConfig, build_pipeline
from .train import _metadata, cross_validate, load_training_data

PRODUCT = ModelConfig()


def describe(config: ModelConfig) -> str:
    """The product row's label, read off the configuration so that it cannot drift from it."""
    chars, share = config.char_ngrams, config.nb_share
    blend = "half and half" if share == 0.5 else f"{1 - share:g} / {share:g}"
    sample = "whole documents" if config.threshold_sample == "documents" else "all paragraphs"
    return (
        f"product: words (weight {config.word_weight:g}) + chars {chars[0]}-{chars[1]}, "
        f"terms in >= {config.min_df:.2%} of paragraphs, dictionary, sublinear, {config.class_weight}, "
        f"C={config.C:g}, pooling {config.sentence_weight:g}, LR blended {blend} with NB-scaled LR, "
        f"thresholds from {sample}"
    )


VARIANTS = [
    (describe(PRODUCT), PRODUCT),
    ("thresholds from all out-of-fold scores, not only whole documents", replace(PRODUCT, threshold_sample="all")),
    ("plain logistic regression (no NB-scaled half)", replace(PRODUCT, nb_share=0.0)),
    ("NB-scaled logistic regression only", replace(PRODUCT, nb_share=1.0)),
    ("NB-scaled share 0.3", replace(PRODUCT, nb_share=0.3)),
    ("NB-scaled share 0.7", replace(PRODUCT, nb_share=0.7)),
    ("every term seen twice (min_df 2: 4x the features)", replace(PRODUCT, min_df=2)),
    ("words and word pairs 1-2", replace(PRODUCT, word_ngrams=(1, 2))),
    ("words and chars weighted equally", replace(PRODUCT, word_weight=1.0)),
    ("no sentence pooling", replace(PRODUCT, sentence_weight=0.0)),
    ("sentence pooling weight 0.5", replace(PRODUCT, sentence_weight=0.5)),
    ("words only (no char n-grams)", replace(PRODUCT, char_ngrams=None)),
    ("no policy dictionary", replace(PRODUCT, use_dictionary=False)),
    ("raw tf (no sublinear)", replace(PRODUCT, sublinear_tf=False)),
    ("no class weights", replace(PRODUCT, class_weight=None)),
    ("C=2", replace(PRODUCT, C=2.0)),
    ("C=8", replace(PRODUCT, C=8.0)),
    ("C=16", replace(PRODUCT, C=16.0)),
    ("C=64", replace(PRODUCT, C=64.0)),
    ("word weight 0.35", replace(PRODUCT, word_weight=0.35)),
    ("chars 1-3", replace(PRODUCT, char_ngrams=(1, 3))),
    ("jieba (Python) segmentation", replace(PRODUCT, segmenter="jieba")),
]


def evaluate_config(data, config: ModelConfig, texts: list[str], gold: np.ndarray, core: list[str]) -> dict:
    thresholds, metrics, _ = cross_validate(data, config, 5)
    pipeline, segmenter = build_pipeline(data.user_words, config)
    segmenter.remember(True)
    pipeline.fit(data.texts(), data.matrix().astype(int))
    model = ThemeModel(pipeline, data.themes, thresholds, _metadata(data, config, metrics))
    scores = pooled_scores(texts, pipeline.predict_proba, config.sentence_weight)
    rows = theme_rows(gold, scores >= np.array([thresholds[k] for k in data.keys]), data.keys)
    return {
        "cv_core": metrics["macro_f1_core"],
        "cv_all": metrics["macro_f1_all"],
        "dev_core": macro_f1(rows, core),
        "dev_all": macro_f1(rows),
        "dev_rows": rows,
        "model": model,
    }


def main(argv: list[str]) -> None:
    dev = Path(argv[0]) if argv else paths.benchmark_file()
    data = load_training_data(paths.labels_dir())
    held_out = read_gold(dev, data.keys)
    texts, gold = held_out.texts, held_out.gold
    print(f"{len(data.examples)} labelled paragraphs; held-out file {dev.name} ({len(texts)} paragraphs).\n")
    print("| configuration | CV core | CV all-10 | held-out core | held-out all-10 |")
    print("|---|---|---|---|---|")
    for name, config in VARIANTS:
        result = evaluate_config(data, config, texts, gold, data.core)
        print(
            f"| {name} | {result['cv_core']:.3f} | {result['cv_all']:.3f} | "
            f"{result['dev_core']:.3f} | {result['dev_all']:.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
