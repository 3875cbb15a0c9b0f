"""`policy-themes label`."""

import signal
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from .options import inputs_argument, load_chosen_model, model_option, output_option, threshold_option
from .output import open_output


@click.command()
@inputs_argument
@output_option("Write here instead of stdout: via OUT.partial, renamed when every input is done.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run: keep OUT.partial's finished inputs.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option(
    "--unit",
    type=click.Choice(["paragraph", "document"]),
    default="paragraph",
    show_default=True,
    help="One line per paragraph/row, or one summary line per file.",
)
@threshold_option
@click.option("--explain", is_flag=True, help="Add `evidence`: the words that pushed each returned theme up.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr [default: when a terminal].")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="Label on this many local processes (or LocalCluster workers with --dask local).",
)
@click.option(
    "--dask",
    "dask_address",
    default=None,
    metavar="ADDRESS",
    help="Distribute over a Dask cluster (tcp://host:8786), or `local` for a LocalCluster.",
)
@model_option
def label(inputs, output, fmt, unit, threshold, explain, progress, jobs, dask_address, model_file, resume):
    """Label files, folders (recursively) or `-` (stdin) paragraph by paragraph.

    Reads .txt/.md (UTF-8, UTF-8 with BOM, GB18030/GBK), .docx, .html, and .jsonl/.csv with a `text`
    field (each row is one unit; its own fields are kept). A file that cannot be read is reported and
    skipped; the exit code is then 1. Inputs are only read, never changed. Interrupted with -o, the
    finished inputs stay in OUT.partial and `--resume` carries on from there.

    \b
    Examples:
      policy-themes label ../shared/seeds/
      policy-themes label report.docx notices/ -o out.csv --format csv
      policy-themes label corpus.jsonl --unit document --threshold 0.4
      policy-themes label province/ --jobs 4 -o labels.jsonl
      policy-themes label archive/ --dask tcp://scheduler:8786 -o labels.jsonl
      policy-themes label archive/ -o labels.jsonl --resume
    """
    from tqdm import tqdm

    from classifier.batch import BatchReport, Settings, label_inputs, render_jsonl
    from classifier.memory import keep_freed_memory

    if resume and "-" in inputs:
        raise click.UsageError("--resume cannot skip what was read from stdin; give files")
    keep_freed_memory()
    model = load_chosen_model(model_file)
    if not dask_address:  # this process, or workers forked from it, will score
        model.scorer.prepare_for_batches()
    report = BatchReport()
    out = open_output(output, fmt, model.keys, resume)
    # JSON Lines per paragraph is rendered where it is labelled; CSV needs one header, summaries every chunk.
    render = render_jsonl if fmt == "jsonl" and unit == "paragraph" else None
    settings = Settings(threshold, explain, render)
    try:
        # The runner first: its worker processes start before the progress bar starts a thread.
        with _runner(model, model_file, jobs, dask_address, settings) as runner, _sigterm_as_interrupt():
            bar = tqdm(unit=" paragraphs", unit_scale=True, file=sys.stderr, disable=_bar_disabled(progress))
            with bar:
                for labelled in label_inputs(model.keys, list(inputs), runner, report, unit, bar, out.done):
                    if labelled.failed:
                        out.discard(labelled.item)
                        continue
                    data = labelled.output if labelled.output is not None else out.format.render(labelled.records)
                    out.write(data, labelled.item if labelled.finished else None)
    except KeyboardInterrupt:
        click.echo(out.interrupted(), err=True)
        sys.exit(130)
    out.finish()
    _summarise(report, output)


@contextmanager
def _sigterm_as_interrupt():
    """`kill` stops a run as Ctrl-C does, so the output is cut back to whole inputs."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _runner(model, model_file, jobs: int, dask_address: str | None, settings):
    from contextlib import nullcontext

    from classifier import paths
    from classifier.batch import in_process
    from classifier.parallel import dask_cluster, process_pool

    path = model_file or paths.model_path()
    if dask_address:
        return dask_cluster(dask_address, path, jobs, settings)
    if jobs > 1:
        return process_pool(path, jobs, settings, model)
    return nullcontext(in_process(model, settings))


def _bar_disabled(progress: bool | None) -> bool | None:
    return None if progress is None else not progress  # None: tqdm decides by whether stderr is a terminal


def _summarise(report, output: Path | None) -> None:
    where = f" into {output}" if output else ""
    click.echo(f"labelled {report.units} units from {report.files} file(s){where}", err=True)
    if report.failures:
        for failure in report.failures:
            click.echo(f"skipped: {failure}", err=True)
        raise click.ClickException(f"{len(report.failures)} input(s) could not be read and were skipped")
