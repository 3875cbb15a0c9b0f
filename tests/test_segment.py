import pickle

from classifier.segment import Segmenter, read_user_words


def test_user_words_kept_whole():
    plain, with_terms = Segmenter(), Segmenter(["一网通办", "最多跑一次"])
    assert "一网通办" not in plain("推进一网通办改革")
    assert "一网通办" in with_terms("推进一网通办改革")
    assert "最多跑一次" in with_terms("深化最多跑一次改革")


def test_punctuation_and_spaces_dropped():
    assert Segmenter()("数据，安全。 ") == ["数据", "安全"]


def test_segmenter_survives_pickling_with_its_words():
    original = Segmenter(["个人信息保护"])
    original.warm_up()
    restored = pickle.loads(pickle.dumps(original))
    assert restored.user_words == ("个人信息保护",)
    assert restored("加强个人信息保护") == original("加强个人信息保护")


def test_memo_returns_same_tokens():
    segmenter = Segmenter()
    segmenter.remember(True)
    first = segmenter("推进政务数据共享")
    assert segmenter("推进政务数据共享") is first
    segmenter.remember(False)
    assert segmenter("推进政务数据共享") == first


def test_read_user_words_skips_comments(tmp_path):
    path = tmp_path / "terms.txt"
    path.write_text("# comment\n一网通办\n\n共同富裕  # inline\n", encoding="utf-8")
    assert read_user_words(path) == ["一网通办", "共同富裕"]


def test_both_engines_honour_the_dictionary_and_agree():
    words = ["一网通办", "最多跑一次", "个人信息保护"]
    text = "深化最多跑一次改革，全面推行一网通办，加强个人信息保护，促进高校毕业生就业创业。"
    fast, reference = Segmenter(words, "rjieba"), Segmenter(words, "jieba")
    assert fast(text) == reference(text)
    assert {"一网通办", "最多跑一次", "个人信息保护"} <= set(fast(text))


def test_engine_survives_pickling():
    restored = pickle.loads(pickle.dumps(Segmenter(["一网通办"], "jieba")))
    assert restored.engine == "jieba" and "一网通办" in restored("推进一网通办")
