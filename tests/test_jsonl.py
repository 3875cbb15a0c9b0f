"""JSON Lines go through orjson for speed; what orjson refuses must still read and write as before."""

import json

import pytest

from classifier import jsonl
from classifier.batch import render_jsonl


def test_plain_rows_round_trip_with_chinese_kept():
    row = {"id": 7, "text": "数字政府", "scores": {"youth": 0.25}}
    line = jsonl.dumps_line(row).decode("utf-8")
    assert "数字政府" in line and line.endswith("\n")
    assert jsonl.loads(line) == row == json.loads(line)


def test_what_orjson_refuses_falls_back_to_the_standard_library():
    lone = '{"text": "\\ud800数据安全", "id": 123456789012345678901234567890}'
    row = jsonl.loads(lone)
    assert row["text"] == "\ud800数据安全" and row["id"] == 123456789012345678901234567890
    line = jsonl.dumps_line(row)
    assert b"\\ud800" in line and json.loads(line) == row  # the escape, so the line is valid UTF-8


def test_malformed_line_still_raises_the_standard_error():
    with pytest.raises(json.JSONDecodeError):
        jsonl.loads('{"text": ')


def test_render_jsonl_is_one_line_per_record():
    records = [{"text": "甲", "themes": []}, {"text": "乙", "themes": ["youth"]}]
    assert [json.loads(line) for line in render_jsonl(records).decode("utf-8").splitlines()] == records
