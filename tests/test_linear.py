from dataclasses import replace

import numpy as np
import pytest
from scipy import sparse
from scipy.special import expit
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from classifier.linear import BlendedLogisticRegression, log_count_ratio
from training.dataset import Example
from training.pipeline import ModelConfig
from training.train import fold_splits, load_training_data, out_of_fold_scores

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def features_and_labels():
    rng = np.random.default_rng(0)
    features = sparse.random(200, 40, density=0.2, format="csr", random_state=1)
    labels = (features[:, :5].sum(axis=1).A.ravel() + rng.normal(0, 0.1, 200) > 0.4).astype(int)
    return features, labels


def test_log_count_ratio_favours_features_of_the_positive_class():
    features = sparse.csr_matrix(np.array([[3.0, 0.0, 1.0], [2.0, 0.0, 1.0], [0.0, 4.0, 1.0], [0.0, 5.0, 1.0]]))
    ratio = log_count_ratio(features, np.array([1, 1, 0, 0]), alpha=1.0)
    assert ratio[0] > 0 > ratio[1]
    assert abs(ratio[2]) < ratio[0]


def test_no_nb_share_is_plain_logistic_regression(features_and_labels):
    features, labels = features_and_labels
    blended = BlendedLogisticRegression(C=4.0, class_weight="balanced", nb_share=0.0).fit(features, labels)
    plain = LogisticRegression(
        C=4.0, class_weight="balanced", solver="liblinear", dual=True, max_iter=5000, random_state=0, tol=1e-3
    )
    plain.fit(features, labels)
    np.testing.assert_allclose(blended.coef_, plain.coef_)
    np.testing.assert_allclose(blended.intercept_, plain.intercept_)


@pytest.mark.parametrize("share", [0.5, 1.0])
def test_the_blend_is_one_linear_model(features_and_labels, share):
    features, labels = features_and_labels
    model = BlendedLogisticRegression(C=4.0, nb_share=share).fit(features, labels)
    expected = expit(features @ model.coef_.ravel() + model.intercept_[0])
    np.testing.assert_allclose(model.predict_proba(features)[:, 1], expected)
    assert set(model.predict(features)) <= {0, 1}
    assert (model.predict(features) == labels).mean() > 0.8


def test_blend_differs_from_either_half_and_clones(features_and_labels):
    features, labels = features_and_labels
    halves = [BlendedLogisticRegression(nb_share=s).fit(features, labels).coef_ for s in (0.0, 0.5, 1.0)]
    assert not np.allclose(halves[1], halves[0]) and not np.allclose(halves[1], halves[2])
    assert clone(BlendedLogisticRegression(nb_share=0.3)).get_params()["nb_share"] == 0.3


def test_folds_fitted_in_parallel_give_the_same_scores():
    data = load_training_data(FIXTURES / "labels")
    config = ModelConfig()
    sequential = out_of_fold_scores(data, config, folds=3, jobs=1)
    parallel = out_of_fold_scores(data, config, folds=3, jobs=2)
    np.testing.assert_allclose(parallel, sequential)


def test_folds_keep_each_document_whole():
    data = load_training_data(FIXTURES / "labels")
    data.examples = [
        replace(e, id=f"d-{i % 7:02d}-{i:03d}", source="authored/doc/policy-opinion")
        for i, e in enumerate(data.examples)
    ]
    assert len({e.document for e in data.examples}) == 7
    splits = fold_splits(data, 3)
    tested = np.concatenate([test for _, test in splits])
    assert sorted(tested) == list(range(len(data.examples)))
    for train, test in splits:
        assert not {data.examples[i].document for i in train} & {data.examples[i].document for i in test}


@pytest.mark.parametrize(
    ("id_", "source", "document"),
    [
        ("d17city-01-001", "authored/doc/policy-opinion", "d17city-01"),
        ("seed-012", "seed", "seed"),
        ("dg-0007", "authored/policy-opinion", "dg-0007"),
        ("ls-41", "labelstudio", "ls-41"),
    ],
)
def test_only_paragraphs_of_whole_documents_share_a_document(id_, source, document):
    assert Example(id_, "一段文字", (), source, "x:1").document == document
