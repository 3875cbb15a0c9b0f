"""Data tests: the hand-labelled paragraphs under labels/ are well-formed and sufficient."""

import json
from collections import Counter

import pytest

from classifier import paths
from classifier.normalize import normalize_text
from classifier.themes import load_themes
from training.dataset import label_files, load_examples

LABELS = paths.labels_dir()
MIN_PER_THEME = 40
MIN_WITHOUT_THEME = 150


@pytest.fixture(scope="module")
def themes():
    return load_themes(paths.themes_file(LABELS))


@pytest.fixture(scope="module")
def rows():
    found = []
    for path in label_files(LABELS):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found.append((f"{path.name}:{number}", json.loads(line)))
    return found


def test_themes_file_has_the_ten_themes(themes):
    assert len(themes) == 10
    assert [t.key for t in themes if t.core] == ["digital_government", "data_security", "youth", "income_distribution"]


def test_every_row_has_the_schema(rows, themes):
    keys = {t.key for t in themes}
    for where, row in rows:
        assert set(row) == {"id", "text", "themes", "source"}, where
        assert isinstance(row["text"], str) and row["text"].strip(), where
        assert row["themes"] == sorted(set(row["themes"])), f"{where}: themes must be sorted and unique"
        assert set(row["themes"]) <= keys, where
        assert row["source"] in ("seed", "labelstudio") or row["source"].startswith("authored/"), where


def test_ids_and_texts_are_unique(rows):
    ids = Counter(row["id"] for _, row in rows)
    texts = Counter(normalize_text(row["text"]) for _, row in rows)
    assert [i for i, n in ids.items() if n > 1] == []
    assert [t for t, n in texts.items() if n > 1] == []


def test_labels_load_without_problems(themes):
    assert load_examples(LABELS, [t.key for t in themes])


def test_every_theme_has_enough_examples(rows, themes):
    counts = Counter(t for _, row in rows for t in row["themes"])
    for theme in themes:
        assert counts[theme.key] >= MIN_PER_THEME, theme.key
    assert sum(1 for _, row in rows if not row["themes"]) >= MIN_WITHOUT_THEME


def test_seed_page_is_labelled(rows):
    seed = [row for _, row in rows if row["source"] == "seed"]
    assert len(seed) == 55


def test_no_authored_paragraph_reproduces_a_real_one():
    """Authored paragraphs are written fresh: none may reproduce a paragraph of the real documents we have
    (the unlabelled corpus and the evaluation file), as writers recalling well-known statutes did."""
    from training.provenance import ReferenceIndex, near_copies

    shared = paths.project_root().parent / "shared"
    references = [shared / "corpus" / "paragraphs.jsonl", shared / "benchmark" / "dev.jsonl"]
    if not all(p.is_file() for p in references):
        pytest.skip("the real reference documents are not beside the project")
    copies = near_copies(LABELS, ReferenceIndex(references))
    assert not copies, [f"{c.path.name}:{c.id} ({c.share:.0%})" for c in copies[:20]]


def test_a_brief_clause_taken_from_a_real_paragraph_is_found(tmp_path):
    """A brief's examples end up in the paragraphs written from it: a clause copied from the evaluation
    file is reported, the brief's own wording and short stock words are not."""
    from training.provenance import ReferenceIndex, shared_clauses

    reference = tmp_path / "held_out.jsonl"
    reference.write_text(
        json.dumps(
            {"text": "着力扩大消费。健全城乡居民增收长效机制，提高低收入群体收入水平，完善消费政策。"},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    brief = "例如“健全城乡居民增收长效机制”是分配措施；“提高收入”太短；“建立工资支付保证金制度”是自己写的。"
    found = shared_clauses(brief, ReferenceIndex([reference]))
    assert [clause for clause, _ in found] == ["健全城乡居民增收长效机制"]
