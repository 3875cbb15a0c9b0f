"""What to look at and label next: theme profiles of whole documents, and the paragraphs the model is
least sure about."""

import re

import numpy as np

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-9]\d)(?!\d)")


def year_in(name: str) -> int | None:
    """A year written in a file name (e.g. 2019年政府工作报告.txt), if any."""
    found = _YEAR.search(name)
    return int(found.group(1)) if found else None


def order_documents(summaries: list[dict], by: str) -> list[dict]:
    """In the order given, or by the year in the file name (documents without one last, as given)."""
    if by == "given":
        return summaries
    return sorted(summaries, key=lambda s: (year_in(s["file"]) is None, year_in(s["file"]) or 0))


def uncertainty(scores: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per paragraph, in [0, 2]: how close its two most doubtful themes sit to their thresholds.

    Closeness of one theme is 1 at its threshold and 0 at the far end of the scale; adding the two
    closest favours paragraphs on which themes disagree over ones that are doubtful about one only.
    """
    spread = np.maximum(thresholds, 1 - thresholds)
    closeness = 1 - np.abs(scores - thresholds) / spread
    top_two = np.sort(closeness, axis=1)[:, -2:]
    return top_two.sum(axis=1)


def least_sure(records: list[dict], keys: list[str], thresholds: dict, count: int) -> list[dict]:
    """The `count` records with the highest uncertainty, distinct texts, most uncertain first."""
    if not records:
        return []
    cut = np.array([thresholds[k] for k in keys])
    scores = np.array([[r["scores"][k] for k in keys] for r in records])
    doubt = uncertainty(scores, cut)
    chosen, seen = [], set()
    for index in np.argsort(-doubt, kind="stable"):
        record = records[index]
        if record["text"] in seen:
            continue
        seen.add(record["text"])
        near = [keys[j] for j in np.argsort(np.abs(scores[index] - cut))[:2]]
        chosen.append({**record, "uncertainty": round(float(doubt[index]), 4), "near_threshold": near})
        if len(chosen) == count:
            break
    return chosen
