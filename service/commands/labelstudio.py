"""`policy-themes export-labelstudio` and `policy-themes import-labelstudio`."""

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from classifier import paths

from .options import atomic_output, inputs_argument, label_all, load_chosen_model, model_option, output_option


@click.command("export-labelstudio")
@inputs_argument
@output_option("tasks.json to import into Label Studio; the labelling config goes to tasks.config.xml.", required=True)
@model_option
def export_labelstudio(inputs, output, model_file):
    """Write Label Studio tasks with the model's themes as pre-annotations.

    \b
    Example:
      policy-themes suggest new/ -n 200 -o doubtful.jsonl
      policy-themes export-labelstudio doubtful.jsonl -o tasks.json
      # Label Studio: new project, Labeling Interface > Code: paste tasks.config.xml; import tasks.json
    """
    from training.labelstudio import labelling_config, task

    model = load_chosen_model(model_file)
    records, _ = label_all(model, list(inputs))
    tasks = [task(r, model.version) for r in records]
    with atomic_output(output) as handle:
        json.dump(tasks, handle, ensure_ascii=False, indent=1)
    config = output.with_suffix(".config.xml")
    with atomic_output(config) as handle:
        handle.write(labelling_config(model.themes))
    click.echo(f"{len(tasks)} tasks in {output}; labelling config in {config}", err=True)


@click.command("import-labelstudio")
@click.argument("export", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@output_option("Labels JSONL to write [default: a new labels/labelstudio-<time>.jsonl].")
@click.option(
    "--labels",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="The labels folder checked for the taxonomy and for duplicates [default: labels/].",
)
def import_labelstudio(export, output, labels):
    """Turn a Label Studio JSON export into labelled paragraphs (validated, without duplicates).

    \b
    Example:
      policy-themes import-labelstudio project-3-at-2026-11-26.json
      make train
    """
    from classifier.normalize import normalize_text
    from classifier.themes import load_themes
    from training.dataset import load_examples
    from training.labelstudio import import_export

    labels = labels or paths.labels_dir()
    keys = [t.key for t in load_themes(paths.themes_file(labels))]
    existing = {normalize_text(e.text): e.themes for e in load_examples(labels, keys)}
    rows, skipped = import_export(export, keys, existing)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    output = output or labels / f"labelstudio-{stamp}.jsonl"
    with atomic_output(output) as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    click.echo(
        f"{len(rows)} labelled paragraphs written to {output}; skipped {skipped['duplicates']} already in "
        f"{labels} and {skipped['unannotated']} tasks without an annotation",
        err=True,
    )
