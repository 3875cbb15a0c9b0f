"""Options and helpers shared by several subcommands."""

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import click

from classifier import paths

model_option = click.option(
    "--model",
    "model_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Model file [default: ${paths.MODEL_ENV} or models/policy-themes.joblib].",
)


def load_chosen_model(model_file: Path | None):
    from classifier.artifact import load_model

    return load_model(model_file or paths.model_path())


@contextmanager
def atomic_output(path: Path | None, newline: str | None = None):
    """Stdout, or a temporary file renamed over `path` only when writing finished."""
    if path is None:
        yield sys.stdout
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def label_all(model, inputs: list[str], unit: str = "paragraph"):
    """Records for every input, in this process, and the report of what could not be read."""
    from classifier.batch import BatchReport, finished_records, in_process, label_inputs

    report = BatchReport()
    records = list(finished_records(label_inputs(model.keys, inputs, in_process(model), report, unit)))
    for failure in report.failures:
        click.echo(f"skipped: {failure}", err=True)
    return records, report


inputs_argument = click.argument("inputs", nargs=-1, required=True)
threshold_option = click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="One threshold for every theme instead of the model's per-theme thresholds.",
)


def output_option(help: str, required: bool = False):
    """The `-o/--output FILE` option every writing command has; `help` says what goes there."""
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, required=required, help=help
    )
