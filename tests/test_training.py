import json
import shutil

import numpy as np
import pytest

from classifier.artifact import load_model, save_model
from classifier.errors import LabelDataError, ModelLoadError, ModelNotFoundError
from classifier.paths import checksum_path
from training.evaluate import read_gold
from training.metrics import best_threshold, bootstrap_f1, interval, resampled_macro
from training.train import train_model

from .conftest import FIXTURES


def labels_with(tmp_path, extra_lines: list[str]):
    target = tmp_path / "labels"
    shutil.copytree(FIXTURES / "labels", target)
    (target / "extra.jsonl").write_text("\n".join(extra_lines) + "\n", encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x", "text": "加强团建", "themes": ["teamwork"]}', "extra.jsonl:1: unknown theme"),
        ('{"id": "x", "text": "  ", "themes": []}', "extra.jsonl:1: empty or missing text"),
        ('{"id": "x", "text": "加强团建", "themes": "youth"}', "extra.jsonl:1: themes must be a list"),
        ('{"id": "x", "text": "加强团建", "themes": [}', "extra.jsonl:1: malformed JSON"),
        ('["not", "an", "object"]', "extra.jsonl:1: each line must be a JSON object"),
        (
            '{"id": "x", "text": "推进政务服务一网通办，企业群众办事实现掌上办、网上办。", "themes": ["youth"]}',
            "paragraphs.jsonl:1: same text as .*extra.jsonl:1 but labelled",
        ),
    ],
)
def test_bad_labels_are_refused_with_file_and_line(tmp_path, line, message):
    with pytest.raises(LabelDataError, match=message):
        train_model(labels_with(tmp_path, [line]), folds=3)


def test_all_problems_reported_at_once(tmp_path):
    lines = ['{"text": "", "themes": []}', '{"text": "甲", "themes": ["nope"]}']
    with pytest.raises(LabelDataError) as error:
        train_model(labels_with(tmp_path, lines), folds=3)
    assert len(error.value.problems) == 2


def test_exact_repeats_with_same_labels_are_used_once(tmp_path, tiny_model):
    repeat = json.dumps({"id": "r", "text": "建设智慧法院，推行网上立案和电子送达。", "themes": ["digital_government"]})
    model = train_model(labels_with(tmp_path, [repeat]), folds=3)
    assert model.metadata["examples"] == tiny_model.metadata["examples"]


def test_training_is_reproducible(tiny_model):
    again = train_model(FIXTURES / "labels", folds=3)
    assert again.version == tiny_model.version
    assert again.thresholds == tiny_model.thresholds
    texts = ["推进一网通办", "保护个人信息"]
    np.testing.assert_allclose(again.score(texts), tiny_model.score(texts))


def test_metadata_describes_the_model(tiny_model):
    meta = tiny_model.metadata
    assert meta["version"].startswith("pt-")
    assert len(meta["data_sha256"]) == 64
    assert {"scikit-learn", "jieba"} <= set(meta["packages"])
    assert [t["key"] for t in meta["themes"]] == ["digital_government", "data_security", "youth"]
    assert set(tiny_model.thresholds) == set(tiny_model.keys)
    assert {r["theme"] for r in meta["cv"]["per_theme"]} == set(tiny_model.keys)
    assert 0 <= meta["cv"]["macro_f1_all"] <= 1
    assert meta["dictionary_terms"] == 3


def test_tiny_model_learns_its_themes(tiny_model):
    (dg, ds, yo) = tiny_model.predict(["全面推行政务服务一网通办", "加强个人信息保护和数据安全", "促进高校毕业生就业"])
    assert dg.themes[0] == "digital_government"
    assert ds.themes[0] == "data_security"
    assert yo.themes[0] == "youth"


def test_saved_model_round_trips(tiny_model, tmp_path):
    path = tmp_path / "m.joblib"
    save_model(tiny_model, path)
    assert checksum_path(path).is_file()
    assert load_model(path).version == tiny_model.version
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_tampered_model_is_refused(tiny_model, tmp_path):
    path = tmp_path / "m.joblib"
    save_model(tiny_model, path)
    with open(path, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelLoadError, match="does not match its checksum"):
        load_model(path)


def test_model_without_checksum_or_missing_is_refused(tmp_path):
    path = tmp_path / "m.joblib"
    with pytest.raises(ModelNotFoundError):
        load_model(path)
    path.write_bytes(b"not a model")
    with pytest.raises(ModelLoadError, match="no checksum"):
        load_model(path)


def test_best_threshold_separates_scores():
    gold = np.array([True, True, False, False])
    assert 0.3 < best_threshold(gold, np.array([0.9, 0.8, 0.2, 0.1])) <= 0.8


def test_best_threshold_keeps_the_boundary_at_a_half_across_a_level_plateau():
    # Every threshold in (0.2, 0.9] separates the classes perfectly: 0.5 is as good as any, so it stays.
    gold = np.array([True, True, False, False])
    assert best_threshold(gold, np.array([0.95, 0.91, 0.2, 0.1])) == 0.5
    # A clear gain away from 0.5 moves it: only thresholds above 0.7 reach F1 1.
    assert best_threshold(gold, np.array([0.95, 0.91, 0.7, 0.1])) == 0.71
    # A gain within the plateau does not: one false positive in 400 paragraphs.
    many = np.array([True] * 200 + [False] * 200)
    scores = np.array([0.9] * 200 + [0.55] + [0.1] * 199)
    assert best_threshold(many, scores) == 0.5
    assert best_threshold(many, scores, plateau=0.0) == 0.56


def test_loading_under_other_package_versions_warns(tiny_model, tmp_path):
    import copy

    stale = copy.copy(tiny_model)
    stale.metadata = {**tiny_model.metadata, "packages": {**tiny_model.metadata["packages"], "scikit-learn": "0.1"}}
    path = tmp_path / "stale.joblib"
    save_model(stale, path)
    with pytest.warns(UserWarning, match="trained with scikit-learn 0.1"):
        load_model(path)


def _examples(sources: list[str], themes: list[tuple[str, ...]]):
    from training.dataset import Example

    return [Example(str(i), f"段落{i}", t, s, "x") for i, (s, t) in enumerate(zip(sources, themes, strict=True))]


def test_thresholds_come_from_whole_documents_when_they_have_enough_positives():
    from classifier.themes import Theme
    from training.train import MIN_POSITIVES_FOR_THRESHOLD, TrainingData, choose_thresholds

    n = MIN_POSITIVES_FOR_THRESHOLD
    # Whole documents: positives score 0.4, negatives 0.2. The single paragraphs, enriched with hard negatives
    # (0.45) and clear positives (0.8), would put the threshold above every document positive.
    sources = ["authored/doc/work-report"] * (2 * n) + ["authored/work-report"] * (6 * n)
    themes = [("youth",)] * n + [()] * n + [("youth",)] * (2 * n) + [()] * (4 * n)
    scores = np.array([[0.4]] * n + [[0.2]] * n + [[0.8]] * (2 * n) + [[0.45]] * (4 * n))
    theme = Theme("youth", "青年发展", "youth", "", core=True)
    data = TrainingData([theme], [], _examples(sources, themes))
    assert choose_thresholds(data, data.matrix(), scores, "documents")["youth"] <= 0.4
    assert choose_thresholds(data, data.matrix(), scores, "all")["youth"] > 0.45


def test_thresholds_come_from_all_paragraphs_when_documents_have_too_few_positives():
    from classifier.themes import Theme
    from training.train import MIN_POSITIVES_FOR_THRESHOLD, TrainingData, choose_thresholds

    n = MIN_POSITIVES_FOR_THRESHOLD
    # One positive among the documents; the single paragraphs hold the rest.
    sources = ["authored/doc/news"] * n + ["authored/news"] * (3 * n)
    themes = [("youth",)] + [()] * (n - 1) + [("youth",)] * n + [()] * (2 * n)
    scores = np.array([[0.9]] + [[0.1]] * (n - 1) + [[0.35]] * n + [[0.3]] * (2 * n))
    data = TrainingData([Theme("youth", "青年发展", "youth", "")], [], _examples(sources, themes))
    chosen = choose_thresholds(data, data.matrix(), scores, "documents")
    assert chosen == choose_thresholds(data, data.matrix(), scores, "all")
    assert 0.3 < chosen["youth"] <= 0.35


def _gold_and_predicted():
    gold = np.array([[True, False]] * 6 + [[False, True]] * 6)
    predicted = gold.copy()
    predicted[[0, 1, 6], :] = ~predicted[[0, 1, 6], :]  # three paragraphs wrong on both themes
    return gold, predicted


def test_bootstrap_interval_brackets_the_score_and_repeats():
    gold, predicted = _gold_and_predicted()
    documents = [f"doc{i // 2}" for i in range(12)]
    samples = bootstrap_f1(gold, predicted, documents)
    low, high = interval(resampled_macro(samples))
    point = (2 * 4 / (2 * 4 + 1 + 2) + 2 * 5 / (2 * 5 + 2 + 1)) / 2
    assert low < point < high
    np.testing.assert_array_equal(samples, bootstrap_f1(gold, predicted, documents))
    assert interval(resampled_macro(bootstrap_f1(gold, gold, documents))) == [1.0, 1.0]


def test_bootstrap_resamples_whole_documents():
    gold, predicted = _gold_and_predicted()
    # One document: every resample is the whole file, so there is no spread, as paragraphs would give.
    low, high = interval(bootstrap_f1(gold, predicted, ["one"] * 12)[:, 0])
    assert low == high == round(2 * 4 / (2 * 4 + 1 + 2), 4)


def test_gold_files_name_each_paragraphs_document(tmp_path):
    path = tmp_path / "gold.jsonl"
    rows = [{"text": "甲", "themes": [], "doc": "报告"}, {"text": "乙", "themes": ["youth"]}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    labelled = read_gold(path, ["youth"])
    assert labelled.documents == ["报告", "line 2"] and labelled.gold.tolist() == [[False], [True]]


def test_interval_of_a_theme_no_resample_defines_is_none():
    gold = np.zeros((4, 1), dtype=bool)
    samples = bootstrap_f1(gold, gold, ["a", "a", "b", "b"])
    assert np.isnan(samples).all() and interval(samples[:, 0]) is None


def test_resampled_macro_averages_only_the_themes_a_resample_defines():
    samples = np.array([[1.0, np.nan, 0.5], [np.nan, np.nan, np.nan]])
    macro = resampled_macro(samples)
    assert macro[0] == 0.75 and np.isnan(macro[1])
