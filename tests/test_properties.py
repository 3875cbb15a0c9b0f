"""Property-based checks: normalisation and paragraph splitting never crash and never lose text."""

import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.normalize import normalize_text
from classifier.paragraphs import split_paragraphs

chinese = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
policy_text = st.text(
    alphabet=st.one_of(chinese, st.sampled_from("，。；：！？、“”（）《》 \n\n\t　０１ＡＢ數據個人"), st.characters()),
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(policy_text)
def test_normalisation_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=300, deadline=None)
@given(policy_text)
def test_splitting_loses_no_character_but_whitespace(text):
    paragraphs = split_paragraphs(text)
    assert all(p and p == p.strip() for p in paragraphs)
    assert re.sub(r"\s", "", "".join(paragraphs)) == re.sub(r"\s", "", text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=chinese, min_size=1, max_size=60), min_size=1, max_size=8))
def test_paragraphs_separated_by_blank_lines_that_end_in_a_full_stop_stay_apart(sentences):
    paragraphs = [s + "。" for s in sentences]
    assert split_paragraphs("\n\n".join(paragraphs)) == paragraphs


def test_concurrent_requests_equal_sequential(real_model, seed_text):
    texts = split_paragraphs(seed_text) * 4
    sequential = real_model.score(texts)
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda t: real_model.score([t])[0], texts))
    np.testing.assert_allclose(np.array(parallel), sequential, rtol=0, atol=1e-12)
