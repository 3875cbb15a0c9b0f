"""`policy-themes evaluate`."""

import json
from pathlib import Path

import click

from .options import atomic_output, load_chosen_model, model_option, threshold_option


@click.command()
@click.argument("labelled", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--errors",
    "errors_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the misclassified paragraphs (text, gold, predicted, scores) here as JSONL.",
)
@threshold_option
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write report.html with charts (metrics, confusions, score distributions) into this folder.",
)
@model_option
def evaluate(labelled, errors_file, threshold, as_json, report_dir, model_file):
    """Compare the model's themes with a labelled JSONL file ({"text", "themes"} per line).

    \b
    Example:
      policy-themes evaluate ../shared/benchmark/dev.jsonl --errors dev-errors.jsonl
    """
    from training.evaluate import evaluate as run
    from training.evaluate import score_file
    from training.metrics import format_table

    model = load_chosen_model(model_file)
    scored = score_file(model, labelled)
    result = run(model, labelled, threshold, scored)
    if report_dir:
        from training.report import write_report

        thresholds = dict(zip(model.keys, model.cutoffs(threshold).tolist(), strict=True))
        title = f"policy-themes {model.version} on {labelled.name}"
        write_report(report_dir, title, model.themes, scored.gold, scored.scores, thresholds)
    if errors_file:
        with atomic_output(errors_file) as handle:
            for error in result["errors"]:
                handle.write(json.dumps(error, ensure_ascii=False) + "\n")
    if as_json:
        click.echo(
            json.dumps(
                result if errors_file is None else {**result, "errors": len(result["errors"])},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    core = [t.key for t in model.themes if t.core]
    click.echo(f"{result['paragraphs']} paragraphs in {labelled}, model {model.version}")
    click.echo(format_table(result["per_theme"], core))
    if result["macro_f1_core_interval"] and result["macro_f1_all_interval"]:
        (core_low, core_high), (all_low, all_high) = result["macro_f1_core_interval"], result["macro_f1_all_interval"]
        click.echo(
            f"95% intervals, resampling the file's {result['documents']} documents: "
            f"core {core_low:.3f}–{core_high:.3f}, all {all_low:.3f}–{all_high:.3f}"
        )
    click.echo("most confused (gold → predicted instead):")
    for pair in result["confused_pairs"][:8]:
        click.echo(f"  {pair['gold']:<22} → {pair['predicted']:<22} {pair['count']:>4}")
    click.echo(
        f"{len(result['errors'])} paragraphs with at least one wrong theme"
        + (f", written to {errors_file}" if errors_file else "")
    )
