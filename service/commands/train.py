"""`policy-themes train`."""

from pathlib import Path

import click

from classifier import paths


@click.command()
@click.option(
    "--labels",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder with themes.toml, policy_terms.txt and *.jsonl labels [default: labels/].",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the model [default: models/policy-themes.joblib].",
)
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Cross-validation folds.")
def train(labels: Path | None, out: Path | None, folds: int):
    """Validate labels, cross-validate, pick per-theme thresholds, fit on all data and save.

    \b
    Example:
      policy-themes train --labels labels --out models/policy-themes.joblib
    """
    from classifier.artifact import save_model
    from training.metrics import format_table
    from training.report import write_report
    from training.train import train

    run = train(labels or paths.labels_dir(), folds=folds)
    model = run.model
    out = out or paths.model_path()
    save_model(model, out)
    title = f"policy-themes {model.version}: {folds}-fold cross-validation"
    report = write_report(out.parent / "report", title, model.themes, run.gold, run.out_of_fold, model.thresholds)
    cv = model.metadata["cv"]
    core = [t.key for t in model.themes if t.core]
    click.echo(
        f"{model.metadata['examples']} labelled paragraphs, {folds}-fold cross-validation "
        "(thresholds chosen on out-of-fold scores):"
    )
    click.echo(format_table(cv["per_theme"], core))
    click.echo(f"model {model.version} written to {out}; report: {report}")
