"""The fast path must give what the reference scikit-learn Pipeline gives, to 1e-9."""

import json

import numpy as np
import pytest

from classifier import paths

CORPUS = paths.project_root().parent / "shared" / "corpus" / "paragraphs.jsonl"
EDGE_CASES = ["", "  ", "a", "甲", "！！！", "ABC 123 abc", "數據安全與個人信息保護", "一网通办" * 50, "x\u3000y\n\tz"]


def assert_same(model, texts):
    fast, reference = model.score(texts), model.score_reference(texts)
    assert fast.shape == reference.shape == (len(texts), len(model.keys))
    np.testing.assert_allclose(fast, reference, rtol=0, atol=1e-9)
    for f_row, r_row in zip(fast, reference, strict=True):
        assert model.decide(f_row) == model.decide(r_row)


def test_fast_path_equals_reference_on_edge_cases(tiny_model, real_model):
    assert_same(tiny_model, EDGE_CASES)
    assert_same(real_model, EDGE_CASES)


def test_fast_path_equals_reference_on_the_real_corpus(real_model):
    if not CORPUS.is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    assert len(texts) > 4000
    assert_same(real_model, texts)


def test_fast_path_honours_the_policy_dictionary(real_model):
    words = real_model.scorer.blocks[0]
    assert words.analyzer == "word" and "一网通办" in words.token_ids
    row = real_model.scorer.features(["全面推进一网通办"])
    assert row[0, words.offset + words.token_ids["一网通办"]] > 0


def test_one_paragraph_a_call_equals_the_batch(real_model):
    if not CORPUS.is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines()[:300]]
    texts += EDGE_CASES
    one_by_one = np.vstack([real_model.score([text]) for text in texts])
    np.testing.assert_allclose(one_by_one, real_model.score(texts), rtol=0, atol=1e-12)
    np.testing.assert_allclose(one_by_one, real_model.score_reference(texts), rtol=0, atol=1e-9)
    # The service's slices of 32 texts: their paragraph and sentence rows take the per-theme path.
    in_slices = np.vstack([real_model.score(texts[i : i + 32]) for i in range(0, len(texts), 32)])
    np.testing.assert_allclose(in_slices, one_by_one, rtol=0, atol=1e-12)


@pytest.mark.parametrize("count", [1, 50, 20_000])
def test_key_table_finds_exactly_the_stored_keys_whichever_way_it_probes(count, monkeypatch):
    from classifier import fastpath

    generator = np.random.default_rng(count)
    stored = np.unique(generator.integers(0, 2**40, size=count))
    columns = generator.permutation(len(stored))
    table = fastpath._KeyTable(stored, columns)
    queries = np.concatenate([stored, generator.integers(0, 2**40, size=3 * count)])
    expected = dict(zip(stored.tolist(), columns.tolist(), strict=True))
    for probe_in_steps_from in (0, 10**9):  # step by step, or one window
        monkeypatch.setattr(fastpath, "_PROBE_IN_STEPS_FROM", probe_in_steps_from)
        found, found_columns = table.lookup(queries)
        assert found.tolist() == [q in expected for q in queries.tolist()]
        assert found_columns.tolist() == [expected[q] for q in queries[found].tolist()]
