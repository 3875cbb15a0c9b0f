"""Reports to look at: per-theme precision/recall/F1 bars, which theme is mistaken for which, score
distributions with the thresholds. PNG charts plus an index.html that shows them with the numbers."""

import html
from pathlib import Path

import numpy as np

from .metrics import macro_f1, theme_rows

CJK_FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "DejaVu Sans"]


def chart_fonts() -> None:
    """Headless charts with Chinese labels: a file backend and the first CJK font the machine has."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["font.sans-serif"] = CJK_FONTS
    matplotlib.rcParams["axes.unicode_minus"] = False


def write_report(folder: Path, title: str, themes, gold: np.ndarray, scores: np.ndarray, thresholds: dict) -> Path:
    """Write folder/report.html and its PNGs; returns the HTML file."""
    chart_fonts()
    folder.mkdir(parents=True, exist_ok=True)
    keys = [t.key for t in themes]
    cut = np.array([thresholds[k] for k in keys])
    predicted = scores >= cut
    rows = theme_rows(gold, predicted, keys)
    labels = [f"{t.key}" for t in themes]
    _metric_bars(folder / "metrics.png", labels, rows)
    _confusion(folder / "confusion.png", labels, gold, predicted)
    _distributions(folder / "scores.png", labels, gold, scores, cut)
    core = [t.key for t in themes if t.core]
    page = folder / "report.html"
    page.write_text(_html(title, themes, rows, thresholds, macro_f1(rows, core), macro_f1(rows)), encoding="utf-8")
    return page


def _metric_bars(path: Path, labels, rows) -> None:
    import matplotlib.pyplot as plt

    x = np.arange(len(labels))
    figure, axes = plt.subplots(figsize=(11, 4.2))
    for offset, metric in zip((-0.27, 0, 0.27), ("precision", "recall", "f1"), strict=True):
        axes.bar(x + offset, [r[metric] for r in rows], 0.27, label=metric)
    axes.set_xticks(x, labels, rotation=30, ha="right")
    axes.set_ylim(0, 1.05)
    axes.legend(loc="lower right")
    axes.set_title("Per-theme precision, recall and F1")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def confusion_counts(gold: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """[g, p]: paragraphs where theme g was missed while theme p was given wrongly."""
    counts = np.zeros((gold.shape[1], gold.shape[1]), dtype=int)
    for g_row, p_row in zip(gold, predicted, strict=True):
        for missed in np.flatnonzero(g_row & ~p_row):
            counts[missed, np.flatnonzero(p_row & ~g_row)] += 1
    return counts


def _confusion(path: Path, labels, gold, predicted) -> None:
    import matplotlib.pyplot as plt

    counts = confusion_counts(gold, predicted)
    figure, axes = plt.subplots(figsize=(7.5, 6.5))
    axes.imshow(counts, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    for (g, p), n in np.ndenumerate(counts):
        if n:
            axes.text(p, g, str(n), ha="center", va="center", fontsize=8)
    axes.set_xlabel("predicted instead")
    axes.set_ylabel("gold theme missed")
    axes.set_title("Which theme is mistaken for which")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _distributions(path: Path, labels, gold, scores, cut) -> None:
    import matplotlib.pyplot as plt

    columns = 5
    rows = int(np.ceil(len(labels) / columns))
    figure, grid = plt.subplots(rows, columns, figsize=(15, 3 * rows), squeeze=False)
    bins = np.linspace(0, 1, 26)
    for j, label in enumerate(labels):
        axes = grid[j // columns][j % columns]
        axes.hist(scores[~gold[:, j], j], bins=bins, alpha=0.6, label="without", log=True)
        axes.hist(scores[gold[:, j], j], bins=bins, alpha=0.6, label="with", log=True)
        axes.axvline(cut[j], color="black", linestyle="--", linewidth=1)
        axes.set_title(f"{label} (threshold {cut[j]:.2f})", fontsize=9)
    for j in range(len(labels), rows * columns):
        grid[j // columns][j % columns].axis("off")
    grid[0][0].legend(fontsize=8)
    figure.suptitle("Score distributions of paragraphs with and without each theme")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _html(title, themes, rows, thresholds, core_f1, all_f1) -> str:
    body = "".join(
        f"<tr><td>{html.escape(t.name_zh)}</td><td>{t.key}</td><td>{r['precision']:.3f}</td><td>{r['recall']:.3f}</td>"
        f"<td>{r['f1']:.3f}</td><td>{r['support']}</td><td>{thresholds[t.key]:.2f}</td></tr>"
        for t, r in zip(themes, rows, strict=True)
    )
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:24px;max-width:1100px}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 10px;text-align:right}}td:first-child,td:nth-child(2){{text-align:left}}
img{{max-width:100%;margin:12px 0}}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>macro-F1 over the core themes: <b>{core_f1:.3f}</b>; over all themes: <b>{all_f1:.3f}</b></p>
<table><tr><th>主题</th><th>key</th><th>precision</th><th>recall</th><th>F1</th><th>support</th><th>threshold</th></tr>
{body}</table>
<img src="metrics.png" alt="per-theme precision, recall and F1">
<img src="confusion.png" alt="which theme is mistaken for which">
<img src="scores.png" alt="score distributions with thresholds">
</body></html>
"""
