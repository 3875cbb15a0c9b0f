import csv
import io
import json

import pytest
from click.testing import CliRunner

from service.cli import cli

ONE_NET = "全面推行政务服务一网通办，企业和群众办事实现掌上办、网上办。"
PRIVACY = "加强个人信息保护，落实数据分类分级保护制度。"


@pytest.fixture
def run(tiny_model_path):
    def invoke(*args, input=None):
        return CliRunner().invoke(cli, [*args, "--model", str(tiny_model_path)], input=input)

    return invoke


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(f"{ONE_NET}\n\n{PRIVACY}\n", encoding="utf-8")
    (folder / "sub" / "b.txt").write_bytes(f"{PRIVACY}\n".encode("gb18030"))
    (folder / "ignored.png").write_bytes(b"\x89PNG")
    return folder


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_label_file_paragraph_by_paragraph(run, docs):
    result = run("label", str(docs / "a.txt"))
    assert result.exit_code == 0, result.output
    first, second = lines(result.stdout)
    assert first["file"].endswith("a.txt") and first["paragraph"] == 0 and first["text"] == ONE_NET
    assert first["themes"][0] == "digital_government" and second["themes"][0] == "data_security"
    assert set(first["scores"]) == {"digital_government", "data_security", "youth"}


def test_label_directory_recursively(run, docs):
    result = run("label", str(docs))
    records = lines(result.stdout)
    assert result.exit_code == 0
    assert [r["file"][-5:] for r in records] == ["a.txt", "a.txt", "b.txt"]


def test_label_stdin(run):
    result = run("label", "-", input=f"{ONE_NET}\n\n{PRIVACY}\n")
    assert result.exit_code == 0
    assert [r["file"] for r in lines(result.stdout)] == ["-", "-"]


def test_label_jsonl_rows_keep_their_fields(run, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"id": "r1", "text": ONE_NET, "themes": ["stale"], "scores": 1}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (record,) = lines(run("label", str(rows)).stdout)
    assert list(record)[:2] == ["id", "text"]
    assert record["themes"][0] == "digital_government" and isinstance(record["scores"], dict)


def test_label_csv_rows_and_csv_output(run, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(f"id,text\nc1,{PRIVACY}\n", encoding="utf-8")
    result = run("label", str(rows), "--format", "csv")
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["id"] == "c1" and row["themes"].split(";")[0] == "data_security"
    assert {"score_digital_government", "score_data_security", "score_youth"} <= set(row)


def test_label_docx_and_html(run, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph(ONE_NET)
    document.save(tmp_path / "a.docx")
    (tmp_path / "b.html").write_text(f"<p>{PRIVACY}</p>", encoding="utf-8")
    records = lines(run("label", str(tmp_path / "a.docx"), str(tmp_path / "b.html")).stdout)
    assert [r["themes"][0] for r in records] == ["digital_government", "data_security"]


def test_csv_output_for_paragraphs_to_file(run, docs, tmp_path):
    out = tmp_path / "out" / "labels.csv"
    result = run("label", str(docs), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert list(rows[0])[:4] == ["file", "paragraph", "text", "themes"]
    assert len(rows) == 3 and [p.name for p in out.parent.iterdir()] == ["labels.csv"]


def test_document_unit(run, docs):
    (summary,) = lines(run("label", str(docs / "a.txt"), "--unit", "document").stdout)
    assert summary["paragraphs"] == 2
    assert summary["shares"]["digital_government"] == pytest.approx(0.5)
    assert set(summary["themes"]) >= {"digital_government", "data_security"}
    assert summary["max_scores"]["data_security"] > 0.5


def test_threshold_option(run, docs):
    (record, _) = lines(run("label", str(docs / "a.txt"), "--threshold", "0").stdout)
    assert len(record["themes"]) == 3


def test_broken_file_is_reported_and_skipped(run, docs):
    (docs / "broken.docx").write_bytes(b"PK\x03\x04garbage")
    result = run("label", str(docs), str(docs / "missing.txt"))
    assert result.exit_code == 1
    assert len(lines(result.stdout)) == 3
    assert "broken.docx" in result.stderr and "missing.txt" in result.stderr
    assert "2 input(s) could not be read" in result.stderr
    assert "Traceback" not in result.output


def test_missing_model_is_a_clean_error(tmp_path, docs):
    result = CliRunner().invoke(cli, ["label", str(docs), "--model", str(tmp_path / "none.joblib")])
    assert result.exit_code == 1
    assert "no model at" in result.stderr and "Traceback" not in result.output


def test_train_and_evaluate_commands(tmp_path, fixture_labels):
    model = tmp_path / "m.joblib"
    trained = CliRunner().invoke(cli, ["train", "--labels", str(fixture_labels), "--out", str(model), "--folds", "3"])
    assert trained.exit_code == 0, trained.output
    assert "macro-F1 core" in trained.stdout and model.is_file()
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"text": ONE_NET, "themes": ["digital_government"]}, ensure_ascii=False)
        + "\n"
        + json.dumps({"text": PRIVACY, "themes": ["youth"]}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    errors = tmp_path / "errors.jsonl"
    result = CliRunner().invoke(cli, ["evaluate", str(gold), "--model", str(model), "--json", "--errors", str(errors)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["paragraphs"] == 2 and report["errors"] == 1
    rows = {r["theme"]: r for r in report["per_theme"]}
    assert rows["digital_government"]["f1"] == 1.0 and rows["youth"]["recall"] == 0.0
    # Two paragraphs without a "doc" field are two documents; DG is right in both, so every resample is too.
    assert report["documents"] == 2 and rows["digital_government"]["f1_interval"] == [1.0, 1.0]
    low, high = report["macro_f1_all_interval"]
    assert low <= report["macro_f1_all"] <= high
    (error,) = lines(errors.read_text(encoding="utf-8"))
    assert error["gold"] == ["youth"] and "data_security" in error["predicted"]


def test_bad_labels_fail_train_cleanly(tmp_path, fixture_labels):
    bad = tmp_path / "labels"
    bad.mkdir()
    (bad / "themes.toml").write_text((fixture_labels / "themes.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (bad / "x.jsonl").write_text('{"text": "甲", "themes": ["nope"]}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", "--labels", str(bad), "--out", str(tmp_path / "m.joblib")])
    assert result.exit_code == 1 and "x.jsonl:1: unknown theme" in result.stderr


@pytest.mark.parametrize("extra", [["--jobs", "2"], ["--dask", "local", "--jobs", "2"]])
def test_parallel_runners_give_the_same_output(run, docs, tmp_path, extra):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        "".join(json.dumps({"id": i, "text": f"{ONE_NET}{i}"}, ensure_ascii=False) + "\n" for i in range(2500)),
        encoding="utf-8",
    )
    (docs / "broken.docx").write_bytes(b"PK\x03\x04garbage")
    sequential = run("label", str(docs), str(rows))
    parallel = run("label", str(docs), str(rows), *extra)
    assert sequential.exit_code == parallel.exit_code == 1
    assert parallel.stdout == sequential.stdout
    assert len(lines(parallel.stdout)) == 2503
    assert "broken.docx" in parallel.stderr


def test_document_unit_across_chunks(run, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        "".join(json.dumps({"text": ONE_NET if i % 2 else PRIVACY}, ensure_ascii=False) + "\n" for i in range(3000)),
        encoding="utf-8",
    )
    (summary,) = lines(run("label", str(rows), "--unit", "document").stdout)
    assert summary["paragraphs"] == 3000
    assert summary["shares"]["digital_government"] == pytest.approx(0.5)


def _table_broken_after_the_first_chunk(folder):
    """2,500 good rows, then a malformed line: found only after the first chunks went to be labelled."""
    rows = folder / "late-break.jsonl"
    good = "".join(json.dumps({"id": i, "text": f"{PRIVACY}{i}"}, ensure_ascii=False) + "\n" for i in range(2500))
    rows.write_text(good + '{"text": "未完\n', encoding="utf-8")
    return rows


@pytest.mark.parametrize("extra", [[], ["--jobs", "2"]])
def test_a_table_broken_late_is_skipped_whole_on_stdout(run, docs, extra):
    broken = _table_broken_after_the_first_chunk(docs)
    result = run("label", str(docs / "a.txt"), str(broken), str(docs / "sub" / "b.txt"), *extra)
    assert result.exit_code == 1
    assert [r["file"][-5:] for r in lines(result.stdout)] == ["a.txt", "a.txt", "b.txt"]
    assert "late-break.jsonl:2501: malformed JSON" in result.stderr
    assert "labelled 3 units from 2 file(s)" in result.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_table_broken_late_is_cut_out_of_the_output_file(run, docs, tmp_path, fmt):
    broken = _table_broken_after_the_first_chunk(docs)
    out = tmp_path / f"out.{fmt}"
    # The broken table first: for CSV its dropped lines also took the header with them.
    result = run("label", str(broken), str(docs / "a.txt"), "-o", str(out), "--format", fmt, "--jobs", "2")
    assert result.exit_code == 1 and "late-break.jsonl:2501" in result.stderr
    text = out.read_text(encoding="utf-8")
    if fmt == "jsonl":
        assert [r["text"] for r in lines(text)] == [ONE_NET, PRIVACY]
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["text"] for r in rows] == [ONE_NET, PRIVACY] and "score_youth" in rows[0]


def test_a_table_broken_late_is_left_out_of_document_summaries(run, docs):
    broken = _table_broken_after_the_first_chunk(docs)
    result = run("label", str(broken), str(docs / "a.txt"), "--unit", "document")
    assert [s["file"][-5:] for s in lines(result.stdout)] == ["a.txt"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_lone_surrogate_in_a_row_is_written_back_as_its_escape(run, tmp_path, fmt):
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"id": 1, "text": "\\ud800数据安全保护"}\n', encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    result = run("label", str(rows), "-o", str(out), "--format", fmt)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "\\ud800数据安全保护" in text
    if fmt == "jsonl":
        assert json.loads(text)["text"] == "\ud800数据安全保护"
    assert run("label", str(rows), "--format", fmt).exit_code == 0  # stdout too


def test_an_empty_table_is_a_finished_input(run, docs, tmp_path):
    empty = docs / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("label", str(empty), str(docs / "a.txt"), "-o", str(out))
    assert result.exit_code == 0 and "labelled 2 units from 2 file(s)" in result.stderr
