"""The label audit: contested paragraphs found out of fold, settled by the majority of blind readings."""

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from classifier import paths
from classifier.errors import LabelDataError
from training.audit import contested, main, majority, settle, settled
from training.train import load_training_data

from .conftest import FIXTURES

KEYS = ["digital_government", "youth", "income_distribution"]
MISLABELLED = {"id": "wrong-1", "text": "推进政务服务一网通办，群众办事网上办、掌上办、一次办成。", "themes": ["youth"]}


@pytest.fixture
def labels(tmp_path) -> Path:
    target = tmp_path / "labels"
    shutil.copytree(FIXTURES / "labels", target)
    return target


def rows_of(path: Path) -> dict[str, dict]:
    return {row["id"]: row for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_majority_takes_each_theme_by_vote():
    assert majority({"youth"}, [{"digital_government"}, {"digital_government", "youth"}], KEYS) == {
        "digital_government",
        "youth",
    }
    assert majority({"youth"}, [set(), set()], KEYS) == set()
    assert majority(set(), [{"youth"}, set()], KEYS) == set()


def test_a_tie_keeps_the_first_label():
    assert majority({"youth"}, [{"digital_government"}], KEYS) == {"youth"}
    assert majority({"youth"}, [set()], KEYS) == {"youth"}
    assert majority(set(), [{"youth"}], KEYS) == set()


def test_a_settled_convention_keeps_a_theme_from_being_added_but_never_removes_one():
    holds = {"income_distribution": re.compile("慈善")}
    both = [{"income_distribution"}, {"income_distribution"}]
    assert settled(set(), both, KEYS, "慈善组织应当依法登记", holds) == set()
    assert settled(set(), both, KEYS, "提高最低工资标准", holds) == {"income_distribution"}
    assert settled({"income_distribution"}, both, KEYS, "慈善组织应当依法登记", holds) == {"income_distribution"}


def test_settling_some_themes_keeps_the_first_reading_of_the_others():
    both = [{"rural"}, {"rural", "innovation"}]
    first = {"income_distribution", "ecology"}
    settling = ["income_distribution", "rural"]
    assert settled(first, both, settling, "粮食稳产和农民增收压力较大", {}) == {"ecology", "rural"}


def test_settle_limited_to_a_theme_changes_only_that_theme(labels):
    file = labels / "paragraphs.jsonl"
    before = rows_of(file)
    row_id = next(k for k, v in before.items() if v["themes"])
    given = before[row_id]["themes"][0]
    other = next(k for k in KEYS if k not in before[row_id]["themes"])
    flipped = [{"id": row_id, "themes": [other]}]
    readings = [write_jsonl(labels / "review" / n, flipped) for n in ("a.jsonl", "b.jsonl")]
    changes = settle(labels, readings, {}, write=True, only=[other])
    assert rows_of(file)[row_id]["themes"] == sorted([*before[row_id]["themes"], other])
    assert changes == {f"+{other}": 1, "paragraphs": 1} and given in rows_of(file)[row_id]["themes"]
    with pytest.raises(LabelDataError, match="unknown theme 'weather'"):
        settle(labels, readings, {}, write=False, only=["weather"])


def test_contested_rows_are_those_the_scores_contradict(labels):
    data = load_training_data(labels)
    scores = data.matrix().astype(float)
    scores[3, 0] = 1.0 - scores[3, 0]  # flip one theme of row 3 to a confident contradiction
    scores[7, 1] = 0.5  # unsure is not contested
    assert contested(data, scores, above=0.75, below=0.25) == [3]


def test_settle_changes_a_label_only_where_the_majority_of_readings_it_has_says_so(labels):
    file = labels / "paragraphs.jsonl"
    before = rows_of(file)
    first, second = list(before)[:2]
    readings = [
        write_jsonl(labels / "review" / "a.jsonl", [{"id": first, "themes": []}, {"id": second, "themes": ["youth"]}]),
        write_jsonl(labels / "review" / "b.jsonl", [{"id": first, "themes": []}]),
    ]
    assert settle(labels, readings, {}, write=False)["paragraphs"] == 1
    assert rows_of(file) == before  # a dry run writes nothing

    changes = settle(labels, readings, {}, write=True)
    after = rows_of(file)
    assert after[first]["themes"] == []
    assert changes[f"-{before[first]['themes'][0]}"] == 1
    assert after[second] == before[second]  # one reading against the first label: a tie, kept
    assert {k: v for k, v in after.items() if k != first} == {k: v for k, v in before.items() if k != first}


def test_settle_refuses_unknown_themes_and_broken_lines(labels):
    unknown = write_jsonl(labels / "review" / "a.jsonl", [{"id": "x", "themes": ["weather"]}])
    with pytest.raises(LabelDataError, match="unknown theme 'weather'"):
        settle(labels, [unknown], {}, write=False)
    broken = labels / "review" / "b.jsonl"
    broken.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(LabelDataError, match="b.jsonl:1"):
        settle(labels, [broken], {}, write=False)


def test_contested_command_lists_a_mislabelled_paragraph_without_its_labels(labels, tmp_path, monkeypatch):
    write_jsonl(labels / "extra.jsonl", [{**MISLABELLED, "source": "test"}])
    monkeypatch.setenv(paths.LABELS_ENV, str(labels))
    out = tmp_path / "contested.jsonl"
    args = ["contested", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    listed = rows_of(out)
    assert MISLABELLED["id"] in listed
    assert len(listed) <= 5  # of 48: the rest agree with their labels
    assert all(set(row) == {"id", "text"} for row in listed.values())

    write_jsonl(labels / "review" / "read.jsonl", [{"id": MISLABELLED["id"], "themes": ["digital_government"]}])
    assert CliRunner().invoke(main, args).exit_code == 0
    assert MISLABELLED["id"] not in rows_of(out)  # already read by a second annotator


def test_settle_command_reports_bad_input_without_a_traceback(labels, monkeypatch):
    monkeypatch.setenv(paths.LABELS_ENV, str(labels))
    broken = write_jsonl(labels / "review" / "a.jsonl", [{"id": "x", "themes": ["weather"]}])
    result = CliRunner().invoke(main, ["settle", str(broken)])
    assert result.exit_code == 1 and "unknown theme" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["settle", str(broken), "--hold", "income_distribution"])
    assert result.exit_code == 2 and "THEME=REGEX" in result.output


def test_contested_ignores_rows_that_agree(labels):
    data = load_training_data(labels)
    assert contested(data, np.where(data.matrix(), 0.9, 0.1), above=0.75, below=0.25) == []


def test_a_third_reading_of_the_disagreements_alone_settles_them(labels):
    file = labels / "paragraphs.jsonl"
    before = rows_of(file)
    agreed, disputed = list(before)[:2]
    reader = [{"id": agreed, "themes": before[agreed]["themes"]}, {"id": disputed, "themes": ["youth"]}]
    readings = [
        write_jsonl(labels / "review" / "all.jsonl", reader),
        write_jsonl(labels / "review" / "third.jsonl", [{"id": disputed, "themes": ["youth"]}]),
    ]
    settle(labels, readings, {}, write=True)
    after = rows_of(file)
    assert after[disputed]["themes"] == ["youth"]
    assert after[agreed] == before[agreed]
