import pytest
from hypothesis import given
from hypothesis import strategies as st

from classifier.normalize import normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("數據安全", "数据安全"),
        ("個人信息保護", "个人信息保护"),
        ("ＡＢＣ１２３", "ABC123"),
        ("数据，安全", "数据,安全"),
        ("  一网\t通办 \n", "一网通办"),
        ("数 据 安 全", "数据安全"),
        ("5G 网络", "5G 网络"),
        ("", ""),
    ],
)
def test_normalize(raw, expected):
    assert normalize_text(raw) == expected


def test_traditional_and_simplified_score_alike(tiny_model):
    simplified, traditional = tiny_model.score(["加强数据安全和个人信息保护", "加強數據安全和個人信息保護"])
    assert simplified == pytest.approx(traditional)


def test_fast_nfkc_equals_plain_nfkc():
    import unicodedata

    samples = [
        "（一）加强数据安全，推进“一网通办”！",
        "①②③ ㈠ ﬁ ｶﾀｶﾅ ＡＢＣ　全角空格",
        "e\u0301 Å 가 各",
        "".join(map(chr, range(0xFF00, 0xFFF0))),
    ]
    for sample in samples:
        assert normalize_text(sample) == normalize_text(unicodedata.normalize("NFKC", sample))
        assert unicodedata.is_normalized("NFKC", normalize_text(sample).replace(" ", ""))


@given(
    st.text(alphabet=st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000\u200b数据a。,")), max_size=40)
)
def test_whitespace_folding_equals_the_regex_definition(text):
    import re

    assert " ".join(text.split()) == re.sub(r"\s+", " ", text).strip()
