"""`make bench` runs end to end (on a small model and corpus; its numbers are not checked here)."""

import json

from bench import run


def test_bench_writes_its_report(tmp_path, tiny_model_path):
    corpus = tmp_path / "corpus.jsonl"
    rows = [{"id": i, "text": f"全面推行政务服务一网通办。加强个人信息保护{i}。"} for i in range(60)]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "benchmarks.md"
    run.main(
        [
            "--model",
            str(tiny_model_path),
            "--corpus",
            str(corpus),
            "--out",
            str(out),
            "--seconds",
            "1",
            "--baseline-sample",
            "20",
            "--skip-training",
            "--skip-service",
        ]
    )
    report = out.read_text(encoding="utf-8")
    assert "## Batch labelling" in report and "Speed-up of the product over the baseline" in report
    assert "max |Δscore|" in report and "same themes for 60 of 60" in report
