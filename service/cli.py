"""The `policy-themes` command: train, label files, evaluate. Core errors become clean messages here."""

import click

from classifier.errors import PolicyThemesError

from .commands.evaluate import evaluate
from .commands.label import label
from .commands.labelstudio import export_labelstudio, import_labelstudio
from .commands.review import profile, suggest
from .commands.train import train


class Commands(click.Group):
    """Translates the core's typed errors into a one-line message and exit code 1, once for all commands."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PolicyThemesError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Tag paragraphs of Chinese policy text with policy themes.

    \b
    Examples:
      policy-themes train
      policy-themes label report.txt notices/ -o labelled.jsonl
      cat page.txt | policy-themes label - --format csv
      policy-themes evaluate ../shared/benchmark/dev.jsonl --report dev-report/
      policy-themes profile reports/ -o reports.png
      policy-themes suggest new/ -n 50 -o to-label.jsonl
    """


for command in (train, label, evaluate, profile, suggest, export_labelstudio, import_labelstudio):
    cli.add_command(command)


def main():
    cli(prog_name="policy-themes")
