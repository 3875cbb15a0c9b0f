"""Counts behind labels/README.md: paragraphs per theme, per register and per origin.

Run: `python -m training.datacard`.
"""

from collections import Counter

from classifier import paths

from .train import load_training_data


def datacard() -> str:
    data = load_training_data(paths.labels_dir())
    themes = Counter(t for e in data.examples for t in e.themes)
    registers = Counter(e.source.split("/")[-1] if e.source.startswith("authored") else e.source for e in data.examples)
    origins = Counter(
        "seed" if e.source == "seed" else ("whole documents" if e.from_whole_document else "single paragraphs")
        for e in data.examples
    )
    multi = sum(len(e.themes) > 1 for e in data.examples)
    lines = [
        f"{len(data.examples)} labelled paragraphs (after removing exact repeats); "
        f"{sum(not e.themes for e in data.examples)} with no theme, {multi} with two or more.",
        "",
        "| theme | 中文 | paragraphs |",
        "|---|---|---|",
        *[f"| {t.key} | {t.name_zh} | {themes[t.key]} |" for t in data.themes],
        "",
        "| register | paragraphs |",
        "|---|---|",
        *[f"| {name} | {count} |" for name, count in registers.most_common()],
        "",
        "| written as | paragraphs |",
        "|---|---|",
        *[f"| {name} | {count} |" for name, count in origins.most_common()],
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(datacard())
