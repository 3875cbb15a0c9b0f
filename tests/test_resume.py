"""Batch labelling never loses work: interrupted runs leave valid output, --resume finishes them."""

import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import cli

CLI = str(Path(sys.executable).parent / "policy-themes")
TEXT = "全面推行政务服务一网通办，企业和群众办事实现掌上办、网上办。"


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(60):
        rows = "".join(
            json.dumps({"id": f"{n}-{i}", "text": f"{TEXT}{i}"}, ensure_ascii=False) + "\n" for i in range(400)
        )
        (folder / f"f{n:02d}.jsonl").write_text(rows, encoding="utf-8")
    return folder


def digest(folder: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.iterdir()))).hexdigest()


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_killed_run_leaves_valid_output_and_resume_finishes_it(inputs, tmp_path, tiny_model_path):
    before = digest(inputs)
    out = tmp_path / "out.jsonl"
    command = [CLI, "label", str(inputs), "-o", str(out), "--model", str(tiny_model_path)]
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    progress = tmp_path / "out.jsonl.partial.progress"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not progress.exists() or progress.read_text().count("\n") < 3):
        time.sleep(0.01)
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 130, stderr
    assert "--resume" in stderr and not out.exists()
    partial = lines(tmp_path / "out.jsonl.partial")  # every line is whole JSON
    done = [json.loads(line)["input"] for line in progress.read_text().splitlines()]
    assert 3 <= len(done) < 60 and len(partial) == 400 * len(done)

    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert not progress.exists() and not (tmp_path / "out.jsonl.partial").exists()
    result = lines(out)
    assert [r["id"] for r in result] == [f"{n}-{i}" for n in range(60) for i in range(400)]
    assert digest(inputs) == before  # inputs are only read


def test_resume_cuts_a_torn_tail(tmp_path, tiny_model_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    full = (
        CliRunner()
        .invoke(cli, ["label", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--model", str(tiny_model_path)])
        .stdout
    )
    first_line = full.splitlines()[0] + "\n"
    partial = tmp_path / "out.jsonl.partial"
    partial.write_text(first_line + '{"file": "half a li', encoding="utf-8")
    (tmp_path / "out.jsonl.partial.progress").write_text(
        json.dumps({"input": str(tmp_path / "a.txt"), "bytes": len(first_line.encode())}) + "\n"
    )
    result = CliRunner().invoke(
        cli,
        [
            "label",
            str(tmp_path / "a.txt"),
            str(tmp_path / "b.txt"),
            "-o",
            str(out),
            "--resume",
            "--model",
            str(tiny_model_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == full


def test_resume_needs_an_output_file_and_real_files(tmp_path, tiny_model_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    model = ["--model", str(tiny_model_path)]
    no_output = CliRunner().invoke(cli, ["label", str(tmp_path / "a.txt"), "--resume", *model])
    assert no_output.exit_code == 2 and "--resume needs -o" in no_output.output
    stdin = CliRunner().invoke(cli, ["label", "-", "-o", str(tmp_path / "o.jsonl"), "--resume", *model], input=TEXT)
    assert stdin.exit_code == 2 and "stdin" in stdin.output


def test_csv_header_written_once_across_resume(tmp_path, tiny_model_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"{TEXT}\n\n{TEXT}", encoding="utf-8")
    out = tmp_path / "out.csv"
    args = ["label", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--format", "csv", "-o", str(out)]
    args += ["--model", str(tiny_model_path)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    complete = out.read_text(encoding="utf-8")
    a_part = "".join(complete.splitlines(keepends=True)[:3])
    (tmp_path / "out.csv.partial").write_text(a_part, encoding="utf-8", newline="")
    (tmp_path / "out.csv.partial.progress").write_text(
        json.dumps({"input": str(tmp_path / "a.txt"), "bytes": len(a_part.encode())}) + "\n"
    )
    out.unlink()
    assert CliRunner().invoke(cli, [*args, "--resume"]).exit_code == 0
    assert out.read_text(encoding="utf-8") == complete
    assert complete.count("file,paragraph,text,themes") == 1
