"""Reports, collection profiles, suggestions and the Label Studio loop."""

import csv
import json
import shutil

import pytest
from click.testing import CliRunner

from classifier.review import uncertainty, year_in
from service.cli import cli

from .conftest import FIXTURES

DG = "全面推行政务服务一网通办，企业和群众办事实现掌上办、网上办。"
DS = "加强个人信息保护，落实数据分类分级保护制度。"
YO = "促进高校毕业生就业创业，开发更多见习岗位。"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2019年政府工作报告.txt").write_text(f"{DG}\n\n{DS}\n\n{YO}", encoding="utf-8")
    (folder / "2008年政府工作报告.txt").write_text(f"{YO}\n\n{YO}", encoding="utf-8")
    (folder / "无年份.txt").write_text(DS, encoding="utf-8")
    return folder


def test_year_in_file_names():
    assert year_in("reports/2019年政府工作报告.txt") == 2019 and year_in("gwr-2008.txt") == 2008
    assert year_in("report-123456.txt") is None


@pytest.mark.parametrize("suffix", [".png", ".html"])
def test_profile_orders_by_year_and_writes_numbers(reports, tmp_path, tiny_model_path, suffix):
    chart = tmp_path / f"chart{suffix}"
    result = invoke("profile", reports, "-o", chart, "--model", tiny_model_path)
    assert result.exit_code == 0, result.output
    assert chart.stat().st_size > 1000
    rows = list(csv.DictReader((tmp_path / "chart.csv").open(encoding="utf-8")))
    assert [r["year"] for r in rows] == ["2008", "2019", ""]
    assert float(rows[0]["share_youth"]) == 1.0 and rows[1]["paragraphs"] == "3"


def test_suggest_ranks_doubtful_paragraphs(reports, tiny_model_path, tiny_model):
    result = invoke("suggest", reports, "-n", "2", "--model", tiny_model_path)
    suggestions = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(suggestions) == 2 and suggestions[0]["uncertainty"] >= suggestions[1]["uncertainty"]
    assert len({s["text"] for s in suggestions}) == 2
    assert set(suggestions[0]["near_threshold"]) <= set(tiny_model.keys)


def test_uncertainty_is_highest_at_the_thresholds():
    import numpy as np

    thresholds = np.array([0.5, 0.4])
    scores = np.array([[0.5, 0.4], [0.99, 0.01], [0.5, 0.0]])
    doubt = uncertainty(scores, thresholds)
    assert doubt[0] == pytest.approx(2.0) and doubt[0] > doubt[2] > doubt[1]


def test_training_writes_a_report(tmp_path, fixture_labels):
    model = tmp_path / "m.joblib"
    assert invoke("train", "--labels", fixture_labels, "--out", model, "--folds", "3").exit_code == 0
    report = tmp_path / "report" / "report.html"
    assert "macro-F1" in report.read_text(encoding="utf-8")
    assert all(
        (tmp_path / "report" / name).stat().st_size > 5000 for name in ("metrics.png", "confusion.png", "scores.png")
    )


def test_evaluate_report(tmp_path, tiny_model_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": DG, "themes": ["digital_government"]}, ensure_ascii=False) + "\n", "utf-8")
    assert invoke("evaluate", gold, "--report", tmp_path / "r", "--model", tiny_model_path).exit_code == 0
    assert (tmp_path / "r" / "report.html").is_file() and (tmp_path / "r" / "confusion.png").is_file()


def annotated(tasks: list[dict], choices: list[list[str]]) -> list[dict]:
    """What Label Studio's JSON export holds once people annotated the imported tasks."""
    export = []
    for number, (task, picked) in enumerate(zip(tasks, choices, strict=True), start=1):
        result = [
            {"id": "a1", "type": "choices", "from_name": "themes", "to_name": "text", "value": {"choices": picked}}
        ]
        export.append(
            {
                "id": 100 + number,
                "data": task["data"],
                "annotations": [
                    {
                        "id": 1,
                        "completed_by": 1,
                        "result": [],
                        "was_cancelled": True,
                        "created_at": "2026-11-25T10:00:00Z",
                    },
                    {
                        "id": 2,
                        "completed_by": 1,
                        "result": result,
                        "was_cancelled": False,
                        "created_at": "2026-11-26T10:00:00Z",
                        "updated_at": "2026-11-26T10:05:00Z",
                    },
                ],
                "predictions": task["predictions"],
            }
        )
    return export


def test_labelstudio_round_trip(tmp_path, tiny_model_path, tiny_model):
    source = tmp_path / "new.txt"
    fresh_youth = "实施青年就业见习计划，为离校未就业毕业生提供岗位。"
    source.write_text(f"{DG}\n\n{fresh_youth}\n\n加强国防建设，维护国家主权。", encoding="utf-8")
    tasks_file = tmp_path / "tasks.json"
    assert invoke("export-labelstudio", source, "-o", tasks_file, "--model", tiny_model_path).exit_code == 0
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    assert len(tasks) == 3 and tasks[0]["data"]["text"] == DG
    prediction = tasks[0]["predictions"][0]
    assert prediction["model_version"] == tiny_model.version and 0 <= prediction["score"] <= 1
    assert prediction["result"][0]["value"]["choices"][0] == "digital_government"
    config = (tmp_path / "tasks.config.xml").read_text(encoding="utf-8")
    assert '<Choices name="themes" toName="text" choice="multiple"' in config and 'value="youth"' in config

    labels = tmp_path / "labels"
    shutil.copytree(FIXTURES / "labels", labels)
    export = tmp_path / "export.json"
    export.write_text(json.dumps(annotated(tasks, [["digital_government"], ["youth"], []])), encoding="utf-8")
    out = tmp_path / "labels" / "imported.jsonl"
    result = invoke("import-labelstudio", export, "-o", out, "--labels", labels)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["themes"] for r in rows] == [["digital_government"], ["youth"], []]
    assert rows[0] == {"id": "ls-101", "text": DG, "themes": ["digital_government"], "source": "labelstudio"}

    again = invoke("import-labelstudio", export, "-o", tmp_path / "again.jsonl", "--labels", labels)
    assert again.exit_code == 0 and "skipped 3 already in" in again.stderr
    assert (tmp_path / "again.jsonl").read_text() == ""


@pytest.mark.parametrize(
    ("choices", "message"),
    [([["teamwork"]], "unknown theme"), ([["youth"]], "already labelled ['digital_government']")],
)
def test_labelstudio_import_refuses_bad_annotations(tmp_path, choices, message):
    labels = tmp_path / "labels"
    shutil.copytree(FIXTURES / "labels", labels)
    existing = "推进政务服务一网通办，企业群众办事实现掌上办、网上办。"
    export = tmp_path / "export.json"
    export.write_text(json.dumps(annotated([{"data": {"text": existing}, "predictions": []}], choices)), "utf-8")
    result = invoke("import-labelstudio", export, "--labels", labels)
    assert result.exit_code == 1 and message in result.stderr
    assert not list(labels.glob("labelstudio-*.jsonl"))
