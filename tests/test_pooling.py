import numpy as np
import pytest

from classifier.pooling import pooled_scores, sentences


def test_sentences_split_on_chinese_sentence_ends():
    text = "第一句话讲的是数字政府。第二句话讲的是数据安全；第三句话讲青年发展！"
    # sentences are cut from the normalised text (full-width ；！ become ; !)
    assert sentences(text) == ["第一句话讲的是数字政府。", "第二句话讲的是数据安全;", "第三句话讲青年发展!"]


def test_sentence_spans_trim_spaces():
    from classifier.pooling import sentence_spans

    text = "第一句话讲的是数字政府; 第二句话讲的是数据安全。"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["第一句话讲的是数字政府;", "第二句话讲的是数据安全。"]


def test_short_pieces_and_single_sentences_are_not_pooled():
    assert sentences("（三）加强领导。") == []
    assert sentences("一是。二是。这是唯一够长的一句话吧。") == []


def fake_score(texts):
    """Theme 0 scores 1 for texts containing 甲, theme 1 scores the share of 乙 characters."""
    return np.array([[1.0 if "甲" in t else 0.0, t.count("乙") / len(t)] for t in texts])


def test_pooling_mixes_paragraph_and_best_sentence():
    text = "这一句只讲乙乙乙乙乙乙乙。这一句讲的是别的内容啊。"
    (scores,) = pooled_scores([text], fake_score, 0.5)
    whole, best_sentence = fake_score([text])[0][1], 7 / 13
    assert scores[1] == pytest.approx(0.5 * whole + 0.5 * best_sentence)


def test_weight_zero_and_unsplittable_texts_keep_the_paragraph_score():
    texts = ["只有一句话甲", "乙乙乙乙乙乙乙乙乙"]
    np.testing.assert_allclose(pooled_scores(texts, fake_score, 0.0), fake_score(texts))
    np.testing.assert_allclose(pooled_scores(texts, fake_score, 0.5), fake_score(texts))


def test_empty_batch():
    assert pooled_scores([], lambda t: np.zeros((len(t), 2)), 0.5).shape == (0, 2)
