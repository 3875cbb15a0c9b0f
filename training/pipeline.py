"""The model's pipeline, built in one place so training, the service and the CLI share it exactly."""

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from classifier.linear import BlendedLogisticRegression
from classifier.normalize import normalize_all
from classifier.segment import Segmenter


@dataclass(frozen=True)
class ModelConfig:
    word_ngrams: tuple[int, int] = (1, 1)  # word pairs add nothing on CV (docs/modelling.md) and cost time
    char_ngrams: tuple[int, int] | None = (2, 3)
    # A term must occur in this share of the training paragraphs (about 7 of 14,000): as accurate as keeping
    # every term seen twice, with a quarter of the features, so smaller and faster (docs/modelling.md). A
    # share rather than a count, so that small label sets still train.
    min_df: float = 0.0005
    sublinear_tf: bool = True
    # Cross-validation rises a little with C up to 32 on every data size measured (docs/modelling.md);
    # 64 adds less for more training time.
    C: float = 32.0
    class_weight: str | None = "balanced"
    use_dictionary: bool = True
    segmenter: str = "rjieba"
    sentence_weight: float = 0.3  # see classifier.pooling; chosen on cross-validation (docs/modelling.md)
    # Word features count half as much as character n-grams: characters carry over better to real text,
    # whose words jieba sometimes cuts differently (see docs/modelling.md).
    word_weight: float = 0.5
    # Share of the Naive-Bayes-scaled model in each theme's blended linear model (classifier.linear); 0 is plain
    # logistic regression. Half and half wins on cross-validation and on real text (docs/modelling.md).
    nb_share: float = 0.5
    # Which out-of-fold scores choose the thresholds: "documents" (paragraphs of whole documents, whose mix of
    # substantive, passing and procedural paragraphs is like real text's) or "all" (docs/modelling.md).
    threshold_sample: str = "documents"

    def as_dict(self) -> dict:
        return asdict(self)


def _weights(config: ModelConfig, parts) -> dict | None:
    if config.word_weight == 1.0 or len(parts) == 1:
        return None
    return {"words": config.word_weight}


def build_pipeline(user_words: list[str], config: ModelConfig) -> tuple[Pipeline, Segmenter]:
    segmenter = Segmenter(user_words if config.use_dictionary else (), config.segmenter)
    parts = [
        (
            "words",
            TfidfVectorizer(
                tokenizer=segmenter,
                token_pattern=None,
                lowercase=False,
                ngram_range=config.word_ngrams,
                min_df=config.min_df,
                sublinear_tf=config.sublinear_tf,
                dtype=np.float64,
            ),
        )
    ]
    if config.char_ngrams:
        parts.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char",
                    lowercase=False,
                    ngram_range=config.char_ngrams,
                    min_df=config.min_df,
                    sublinear_tf=config.sublinear_tf,
                    dtype=np.float64,
                ),
            )
        )
    classifier = BlendedLogisticRegression(C=config.C, class_weight=config.class_weight, nb_share=config.nb_share)
    pipeline = Pipeline(
        [
            ("normalize", FunctionTransformer(normalize_all)),
            ("features", FeatureUnion(parts, transformer_weights=_weights(config, parts))),
            ("model", OneVsRestClassifier(classifier)),
        ]
    )
    return pipeline, segmenter
