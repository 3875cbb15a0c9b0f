"""`make bench`: the product next to the straightforward baseline, in one run, written to docs/benchmarks.md.

Baseline = the same model scored the straightforward way: jieba (Python) segmentation and the
scikit-learn Pipeline's predict_proba, one paragraph a call. Product = rjieba and the compiled fast path
over batches. The service is measured with wrk against granian (as `make serve` runs it) on 127.0.0.1.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path

import numpy as np

from classifier import paths
from classifier.artifact import load_model
from classifier.batch import BatchReport, in_process, label_inputs
from classifier.memory import keep_freed_memory
from service.commands.output import LineFormat

ROOT = paths.project_root()
BIN = Path(sys.executable).parent
BATCH_CONNECTIONS = 8
CLI_RUNS = 2
CLI_TIMES = 48  # the corpus repeated: ~240k paragraphs, a province-size batch for the CLI runs


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=paths.model_path())
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "paragraphs.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--seconds", type=int, default=10, help="length of each load run")
    parser.add_argument("--baseline-sample", type=int, default=1000, help="paragraphs the slow baseline labels")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--skip-service", action="store_true")
    return parser.parse_args(argv)


def read_corpus(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---------------------------------------------------------------- batch labelling


def baseline_labelling(model, rows: list[dict], out: Path) -> float:
    """Seconds per paragraph: read rows, score one paragraph a call through the Pipeline, write JSONL."""
    reference = model.as_reference("jieba")
    reference.warm_up()
    start = time.perf_counter()
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            row = json.loads(json.dumps(row, ensure_ascii=False))  # the read step, as for a file
            (prediction,) = reference.predict([row["text"]])
            row.update(themes=prediction.themes, scores=prediction.scores)
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return (time.perf_counter() - start) / len(rows)


def product_labelling(model, corpus_copy: Path, out: Path) -> tuple[float, int]:
    """Seconds per paragraph through `policy-themes label`'s own code, in this process, file to file."""
    report = BatchReport()
    lines = LineFormat("jsonl", model.keys)
    start = time.perf_counter()
    with out.open("wb") as handle:
        for labelled in label_inputs(model.keys, [str(corpus_copy)], in_process(model), report):
            handle.write(lines.render(labelled.records))
    return (time.perf_counter() - start) / report.units, report.units


def label_command(model_path: Path, corpus_copy: Path, jobs: int = 1) -> list[str]:
    out = corpus_copy.with_suffix(f".out{jobs}.jsonl")
    return [str(BIN / "policy-themes"), "label", str(corpus_copy), "--model", str(model_path), "-o", str(out),
            "--jobs", str(jobs)]  # fmt: skip


def cli_wall_time(model_path: Path, corpus_copy: Path, jobs: int) -> float:
    start = time.perf_counter()
    subprocess.run(label_command(model_path, corpus_copy, jobs), check=True, capture_output=True)
    return time.perf_counter() - start


def two_processes_wall_time(model_path: Path, corpus_copy: Path) -> float:
    """Two independent `--jobs 1` runs side by side, one on each half of the file: what two cores give
    with nothing shared, the reference for --jobs 2."""
    lines = corpus_copy.read_bytes().splitlines(keepends=True)
    halves = [corpus_copy.with_suffix(f".half{i}.jsonl") for i in (0, 1)]
    halves[0].write_bytes(b"".join(lines[: len(lines) // 2]))
    halves[1].write_bytes(b"".join(lines[len(lines) // 2 :]))
    start = time.perf_counter()
    runs = [
        subprocess.Popen(label_command(model_path, half), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for half in halves
    ]
    if any(run.wait() != 0 for run in runs):
        raise RuntimeError("a half-file run failed")
    return time.perf_counter() - start


def repeated_corpus(rows: list[dict], times: int, folder: Path) -> Path:
    path = folder / f"corpus-x{times}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(times):
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def single_call_latency(model, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        model.score([text])
    return (time.perf_counter() - start) / len(texts)


# ---------------------------------------------------------------- service


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(model_path: Path, scorer: str, workers: int = 2):
    """granian as `make serve` runs it; returns (process, port, seconds to the first answer)."""
    port = free_port()
    environment = {**os.environ, "POLICY_THEMES_MODEL": str(model_path), "POLICY_THEMES_SCORER": scorer}
    command = [str(BIN / "granian"), "--interface", "wsgi", "--factory", "service:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--blocking-threads", "1"]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    body = json.dumps({"text": "全面推行政务服务一网通办"}).encode()
    while time.perf_counter() - start < 60:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/classify", body, {"Content-Type": "application/json"}
            )
            urllib.request.urlopen(request, timeout=1).read()
            return process, port, time.perf_counter() - start
        except OSError:
            time.sleep(0.01)
    process.kill()
    raise RuntimeError("server did not answer within 60 s")


def stop_server(process) -> None:
    """Stop the server and wait for its workers too: a worker still shutting down would slow the next run."""
    workers = [int(pid) for pid in _children(process.pid)]
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    deadline = time.perf_counter() + 20
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.perf_counter() < deadline:
        time.sleep(0.05)
    for pid in workers:
        if Path(f"/proc/{pid}").exists():
            os.kill(pid, signal.SIGKILL)


def _children(pid: int) -> list[str]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return path.read_text().split() if path.exists() else []


def worker_memory(process) -> list[tuple[float, float]]:
    """(RSS MB, PSS MB) of each granian worker (children of the main process)."""
    found = []
    for child in _children(process.pid):
        status = Path(f"/proc/{child}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
        rollup = Path(f"/proc/{child}/smaps_rollup").read_text()
        pss = int(re.search(r"Pss:\s+(\d+)", rollup).group(1)) / 1024
        found.append((rss, pss))
    return found


def wrk_script(bodies: list[str], folder: Path) -> Path:
    lines = ["local bodies = {"] + [f"[==[{b}]==]," for b in bodies] + ["}"]
    lines += [
        "local i = 0",
        "request = function()",
        "  i = i % #bodies + 1",
        '  return wrk.format("POST", "/classify", {["Content-Type"] = "application/json"}, bodies[i])',
        "end",
    ]
    path = folder / f"bodies-{len(bodies)}-{len(bodies[0])}.lua"
    path.write_text("\n".join(lines), encoding="ascii")
    return path


def run_wrk(port: int, script: Path, connections: int, seconds: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)\s*$", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)$", output, re.M)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def service_runs(model_path: Path, texts: list[str], seconds: int, folder: Path) -> dict:
    single = wrk_script([json.dumps({"text": t}) for t in texts[:500]], folder)
    batch = wrk_script([json.dumps({"texts": texts[i : i + 256]}) for i in range(0, 256 * 8, 256)], folder)
    results = {}
    for scorer in ("reference", "fast"):
        process, port, cold = start_server(model_path, scorer)
        # The first answer comes from the first worker up. Load runs start once every worker is up, or wrk's
        # keep-alive connections would all stay with that first worker for the whole run.
        time.sleep(3)
        try:
            before = worker_memory(process)
            results[scorer] = {
                "cold_start_s": cold,
                "single": run_wrk(port, single, 16, seconds),
                # 8 connections: with 4, granian's workers sometimes accept all of them in one worker (seen in
                # 1 of 4 fresh starts), which halves the throughput of that run.
                "batch": run_wrk(port, batch, BATCH_CONNECTIONS, seconds),
                "memory_before": before,
            }
            if scorer == "fast":
                results[scorer]["soak"] = run_wrk(port, single, 32, max(seconds, 12))  # 20,000+ requests
            results[scorer]["memory_after"] = worker_memory(process)
        finally:
            stop_server(process)
    return results


# ---------------------------------------------------------------- training


def training_time(folder: Path) -> tuple[float, int]:
    """Seconds to train (with 5-fold CV) on 10,000 paragraphs: a sample of labels/, or labels/ plus pairs of
    its paragraphs joined when it has fewer."""
    from training.train import train_model

    labels = folder / "labels10k"
    shutil.copytree(paths.labels_dir(), labels, ignore=shutil.ignore_patterns("review"))
    files = sorted(labels.rglob("*.jsonl"))
    rows = [json.loads(line) for f in files for line in f.read_text().splitlines()]
    rng = np.random.default_rng(0)
    if len(rows) > 10_000:
        keep = sorted(rng.choice(len(rows), 10_000, replace=False).tolist())
        for f in files:
            f.unlink()
        rows = [rows[i] for i in keep]
        (labels / "sample.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    extra = []
    while len(rows) + len(extra) < 10_000:
        a, b = rng.choice(len(rows), 2, replace=False)
        themes = sorted(set(rows[a]["themes"]) | set(rows[b]["themes"]))
        extra.append({"id": f"pair-{a}-{b}", "text": rows[a]["text"] + rows[b]["text"], "themes": themes})
    (labels / "pairs.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in extra))
    start = time.perf_counter()
    model = train_model(labels)
    return time.perf_counter() - start, model.metadata["examples"]


# ---------------------------------------------------------------- report


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1024 / 1024
    packages = ", ".join(f"{p} {version(p)}" for p in ("scikit-learn", "numpy", "scipy", "jieba", "rjieba", "flask"))
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, "
        f"granian {version('granian')}, {packages}"
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    keep_freed_memory()  # as `policy-themes label` does; the baseline in this process benefits alike
    model = load_model(args.model)
    model.warm_up()
    rows = read_corpus(args.corpus)
    texts = [r["text"] for r in rows]
    folder = Path(tempfile.mkdtemp(prefix="policy-themes-bench-"))
    try:
        report = measure(args, model, rows, texts, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)


def measure(args, model, rows, texts, folder) -> str:
    print("equality and latency …", file=sys.stderr)
    fast, reference = model.score(texts), model.score_reference(texts)
    max_difference = float(np.abs(fast - reference).max())
    same_themes = sum(model.decide(f) == model.decide(r) for f, r in zip(fast, reference, strict=True))
    sample = rows[: args.baseline_sample]
    print("batch labelling …", file=sys.stderr)
    baseline_s = baseline_labelling(model, sample, folder / "baseline.jsonl")
    corpus_x4 = repeated_corpus(rows, 4, folder)
    product_s, labelled = product_labelling(model, corpus_x4, folder / "product.jsonl")
    # The CLI runs get a province-size file, so that start-up (0.4 s) weighs on them as little as in real use.
    corpus_cli = repeated_corpus(rows, CLI_TIMES, folder)
    # Best of two runs each, taken in turns: one run on this shared machine can be 10-20% off.
    walls = [
        (cli_wall_time(args.model, corpus_cli, 1), cli_wall_time(args.model, corpus_cli, 2),
         two_processes_wall_time(args.model, corpus_cli))
        for _ in range(CLI_RUNS)
    ]  # fmt: skip
    wall_1, wall_2, wall_halves = (min(run[i] for run in walls) for i in range(3))
    # The corpus file itself, and a one-paragraph file for the fixed cost of a run (start-up, model load).
    # Runs of about a second: best of five, or the difference of the two is mostly noise.
    corpus_once = repeated_corpus(rows, 1, folder)
    wall_corpus = min(cli_wall_time(args.model, corpus_once, 1) for _ in range(5))
    one_paragraph = folder / "one-paragraph.jsonl"
    one_paragraph.write_text(json.dumps(rows[0], ensure_ascii=False) + "\n", encoding="utf-8")
    wall_start = min(cli_wall_time(args.model, one_paragraph, 1) for _ in range(5))
    reference_single = single_call_latency(model.as_reference("jieba"), texts[:300])
    product_single = single_call_latency(model, texts[:2000])
    print("service …", file=sys.stderr)
    measure_service = shutil.which("wrk") and not args.skip_service
    service = service_runs(args.model, texts, args.seconds, folder) if measure_service else None
    train_s, train_n = (None, None) if args.skip_training else training_time(folder)
    measured = {
        "model": model, "rows": rows, "texts": texts, "sample": sample, "service": service,
        "max_difference": max_difference, "same_themes": same_themes,
        "baseline_s": baseline_s, "product_s": product_s, "labelled": labelled, "wall_1": wall_1, "wall_2": wall_2,
        "wall_halves": wall_halves, "cli_n": CLI_TIMES * len(rows), "wall_corpus": wall_corpus,
        "wall_start": wall_start,
        "reference_single": reference_single, "product_single": product_single,
        "train_s": train_s, "train_n": train_n,
    }  # fmt: skip
    return render(measured, args)


def render(m: dict, args) -> str:
    labelling = m["wall_corpus"] - m["wall_start"]  # the corpus file's run without the fixed cost of a run
    model, service = m["model"], m["service"]
    rate = lambda seconds: f"{1 / seconds:,.0f}"  # noqa: E731
    lines = [
        "# Benchmarks",
        "",
        f"`make bench`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, model {model.version}",
        f"({args.model.stat().st_size / 1e6:.1f} MB on disk), corpus {args.corpus.name} ({len(m['rows'])} paragraphs,",
        f"median {int(np.median([len(t) for t in m['texts']]))} characters).",
        "",
        f"Machine: {machine()}.",
        "",
        "## Batch labelling",
        "",
        "| path | paragraphs/s | µs/paragraph |",
        "|---|---|---|",
        f"| baseline: jieba + Pipeline.predict_proba, one paragraph a call ({len(m['sample'])} paragraphs, "
        f"JSONL in and out) | {rate(m['baseline_s'])} | {m['baseline_s'] * 1e6:,.0f} |",
        f"| product: `policy-themes label` code path, in process ({m['labelled']} paragraphs, JSONL in and out) "
        f"| {rate(m['product_s'])} | {m['product_s'] * 1e6:,.0f} |",
        f"| product: `policy-themes label` CLI wall time incl. start-up, 1 process ({m['cli_n']} paragraphs, "
        f"best of {CLI_RUNS}) | "
        f"{m['cli_n'] / m['wall_1']:,.0f} | {m['wall_1'] / m['cli_n'] * 1e6:,.0f} |",
        f"| product: CLI wall time incl. start-up, `--jobs 2` (same file) | {m['cli_n'] / m['wall_2']:,.0f} | "
        f"{m['wall_2'] / m['cli_n'] * 1e6:,.0f} |",
        f"| product: CLI on the corpus file itself ({len(m['rows'])} paragraphs), 1 process: "
        f"{m['wall_corpus']:.2f} s wall, of which {m['wall_start']:.2f} s is the fixed cost of any run (a "
        f"one-paragraph file; both best of 5); the rest | {len(m['rows']) / max(labelling, 1e-9):,.0f} | "
        f"{labelling / len(m['rows']) * 1e6:,.0f} |",
        f"| reference: two independent 1-process runs side by side, one on each half of the file | "
        f"{m['cli_n'] / m['wall_halves']:,.0f} | {m['wall_halves'] / m['cli_n'] * 1e6:,.0f} |",
        "",
        f"`--jobs 2` vs `--jobs 1`: **{m['wall_1'] / m['wall_2']:.2f}×** on 2 cores "
        f"(two independent processes: {m['wall_1'] / m['wall_halves']:.2f}×, what this machine's two cores give "
        "when nothing is shared).",
        "",
        f"Speed-up of the product over the baseline: **{m['baseline_s'] / m['product_s']:.1f}×**.",
        "",
        "## One paragraph a call (in process)",
        "",
        f"- baseline (jieba + Pipeline): {m['reference_single'] * 1e6:,.0f} µs",
        f"- product fast path: {m['product_single'] * 1e6:,.0f} µs",
        f"- fast path vs Pipeline on all {len(m['texts'])} paragraphs: max |Δscore| = {m['max_difference']:.1e}, "
        f"same themes for {m['same_themes']} of {len(m['texts'])}",
    ]
    if service:
        lines += ["", "## Service (granian, 2 workers of one Python thread each, wrk on 127.0.0.1)", ""]
        lines += [
            "| scorer | run | requests/s | paragraphs/s | p50 | p99 | errors |",
            "|---|---|---|---|---|---|---|",
        ]
        for scorer in ("reference", "fast"):
            runs = service[scorer]
            for name, connections, per in (("single", 16, 1), ("batch", BATCH_CONNECTIONS, 256), ("soak", 32, 1)):
                if name in runs:
                    r = runs[name]
                    lines.append(
                        f"| {'baseline' if scorer == 'reference' else 'product'} | {name} ({connections} connections, "
                        f"{r['requests']} requests) | {r['requests_per_s']:,.0f} | {r['requests_per_s'] * per:,.0f} | "
                        f"{r['p50']} | {r['p99']} | {r['errors']} non-2xx, socket errors: {r['socket_errors']} |"
                    )
        for scorer in ("reference", "fast"):
            runs = service[scorer]
            memory = ", ".join(
                f"{a[0]:.0f}→{b[0]:.0f} MB RSS ({a[1]:.0f}→{b[1]:.0f} MB PSS)"
                for a, b in zip(runs["memory_before"], runs["memory_after"], strict=False)
            )
            lines.append("")
            lines.append(
                f"- {'baseline' if scorer == 'reference' else 'product'}: cold start (process start to first "
                f"answer) {runs['cold_start_s']:.2f} s; workers before → after the runs: {memory}"
            )
    else:
        lines += ["", "Service not measured (`--skip-service`, or `wrk` is not installed: `apt-get install wrk`)."]
    if m["train_s"] is not None:
        lines += ["", "## Training", "", f"- {m['train_n']:,} paragraphs, 5-fold CV + final fit: {m['train_s']:.1f} s"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
