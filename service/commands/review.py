"""`policy-themes profile` and `policy-themes suggest`."""

import csv
import json
from pathlib import Path

import click

from .options import atomic_output, inputs_argument, label_all, load_chosen_model, model_option, output_option


@click.command()
@inputs_argument
@output_option("chart.png or chart.html; the numbers go to chart.csv beside it.", required=True)
@click.option(
    "--order",
    type=click.Choice(["year", "given"]),
    default="year",
    show_default=True,
    help="Order documents by a year found in the file name, or as given.",
)
@model_option
def profile(inputs, output, order, model_file):
    """Chart each document's theme shares (share of its paragraphs) as stacked bars.

    \b
    Example:
      policy-themes profile reports/ -o reports.png     # e.g. work reports 2008-2025, year by year
    """
    from classifier.review import order_documents, year_in

    if output.suffix.lower() not in (".png", ".html"):
        raise click.BadParameter("use a .png or .html file", param_hint="-o")
    model = load_chosen_model(model_file)
    summaries, _ = label_all(model, list(inputs), unit="document")
    summaries = order_documents(summaries, order)
    if not summaries:
        raise click.ClickException("no readable documents among the inputs")
    table = output.with_suffix(".csv")
    with atomic_output(table, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["document", "year", "paragraphs", *[f"share_{k}" for k in model.keys]])
        for s in summaries:
            year = year_in(s["file"])
            writer.writerow([s["file"], year or "", s["paragraphs"], *[f"{s['shares'][k]:.4f}" for k in model.keys]])
    _stacked_bars(output, summaries, model.themes)
    click.echo(f"{len(summaries)} documents charted in {output}, numbers in {table}", err=True)


def _stacked_bars(output: Path, summaries: list[dict], themes) -> None:
    import matplotlib.pyplot as plt

    from training.report import chart_fonts

    chart_fonts()

    names = [Path(s["file"]).stem[:28] for s in summaries]
    figure, axes = plt.subplots(figsize=(max(8, 0.55 * len(names) + 3), 5.5))
    bottom = [0.0] * len(names)
    colours = plt.get_cmap("tab10")
    for index, theme in enumerate(themes):
        shares = [s["shares"][theme.key] for s in summaries]
        axes.bar(names, shares, bottom=bottom, label=theme.key, color=colours(index % 10))
        bottom = [b + v for b, v in zip(bottom, shares, strict=True)]
    axes.set_ylabel("share of paragraphs (themes can overlap)")
    axes.set_title("Theme profile per document")
    axes.tick_params(axis="x", labelrotation=60)
    axes.legend(fontsize=8, bbox_to_anchor=(1.01, 1), loc="upper left")
    figure.tight_layout()
    if output.suffix.lower() == ".html":
        import io

        svg = io.StringIO()
        figure.savefig(svg, format="svg")
        rows = "".join(
            f"<tr><td>{s['file']}</td><td>{s['paragraphs']}</td>"
            + "".join(f"<td>{s['shares'][t.key]:.1%}</td>" for t in themes)
            + "</tr>"
            for s in summaries
        )
        header = "".join(f"<th>{t.name_zh}</th>" for t in themes)
        output.write_text(
            f'<!doctype html><meta charset="utf-8"><title>Theme profile</title>{svg.getvalue()}'
            f"<table border=1><tr><th>document</th><th>paragraphs</th>{header}</tr>{rows}</table>",
            encoding="utf-8",
        )
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(output, dpi=110)
    plt.close(figure)


@click.command()
@inputs_argument
@click.option("-n", "count", type=click.IntRange(1), default=50, show_default=True, help="How many paragraphs.")
@output_option("Write JSONL here instead of stdout.")
@model_option
def suggest(inputs, count, output, model_file):
    """The paragraphs the model is least sure about: label these next.

    Ranks paragraphs by how close their two most doubtful themes are to their thresholds, so that
    paragraphs on which themes disagree come first.

    \b
    Example:
      policy-themes suggest new-documents/ -n 50 -o to-label.jsonl
    """
    from classifier.review import least_sure

    model = load_chosen_model(model_file)
    records, _ = label_all(model, list(inputs))
    with atomic_output(output) as handle:
        for record in least_sure(records, model.keys, model.thresholds, count):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
