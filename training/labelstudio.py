"""Label Studio interop: tasks with pre-annotations out, annotated exports back in as labels JSONL.

Formats follow Label Studio's documentation: a task is {"data": {...}, "predictions": [{"model_version",
"score", "result": [{"from_name", "to_name", "type": "choices", "value": {"choices": [...]}}]}]}; an export
is a list of tasks, each with "annotations" whose "result" has the same shape.
"""

import json
from html import escape
from pathlib import Path

from classifier.errors import LabelDataError
from classifier.normalize import normalize_text

FROM_NAME, TO_NAME = "themes", "text"


def labelling_config(themes) -> str:
    """The <View> of a multi-choice project generated from the taxonomy."""
    choices = "\n".join(
        f'    <Choice value="{escape(t.key)}" hint="{escape(t.name_zh)}: {escape(t.description)}"/>' for t in themes
    )
    return (
        "<View>\n"
        f'  <Text name="{TO_NAME}" value="$text"/>\n'
        f'  <Choices name="{FROM_NAME}" toName="{TO_NAME}" choice="multiple" showInLine="false">\n'
        f"{choices}\n"
        "  </Choices>\n"
        "</View>\n"
    )


def task(record: dict, model_version: str) -> dict:
    """One Label Studio task from a labelled paragraph record, with the model's themes as a prediction."""
    scores = record["scores"]
    confidence = sum(max(s, 1 - s) for s in scores.values()) / len(scores)
    data = {k: v for k, v in record.items() if k not in ("themes", "scores", "evidence")}
    data["scores"] = {k: round(v, 4) for k, v in scores.items()}
    result = [
        {
            "id": "themes",
            "from_name": FROM_NAME,
            "to_name": TO_NAME,
            "type": "choices",
            "value": {"choices": record["themes"]},
        }
    ]
    return {
        "data": data,
        "predictions": [{"model_version": model_version, "score": round(confidence, 4), "result": result}],
    }


def _annotation_choices(entry: dict) -> list[str] | None:
    """Choices of the latest annotation that was not cancelled, or None when there is none."""
    annotations = [a for a in entry.get("annotations") or [] if not a.get("was_cancelled")]
    if not annotations:
        return None
    latest = max(annotations, key=lambda a: (a.get("updated_at") or a.get("created_at") or "", a.get("id") or 0))
    choices: list[str] = []
    for item in latest.get("result") or []:
        if item.get("type") == "choices" and item.get("from_name") == FROM_NAME:
            choices += item.get("value", {}).get("choices", [])
    return choices


def import_export(export: Path, known_keys: list[str], existing: dict[str, tuple[str, ...]]) -> tuple[list[dict], dict]:
    """Labels rows from a Label Studio JSON export, and counts of what was skipped.

    `existing` maps normalised texts already in labels/ to their themes: repeats with the same themes
    are skipped, repeats with other themes are refused with the rest of the problems.
    """
    try:
        entries = json.loads(export.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LabelDataError([f"{export}: not a Label Studio JSON export ({exc})"]) from exc
    if not isinstance(entries, list):
        raise LabelDataError([f"{export}: expected a JSON list of tasks"])
    rows, problems, skipped = [], [], {"unannotated": 0, "duplicates": 0}
    seen = dict(existing)
    for position, entry in enumerate(entries):
        where = f"{export}: task {entry.get('id', f'#{position + 1}')}"
        text = (entry.get("data") or {}).get("text")
        choices = _annotation_choices(entry)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: no data.text")
            continue
        if choices is None:
            skipped["unannotated"] += 1
            continue
        unknown = sorted(set(choices) - set(known_keys))
        if unknown:
            problems.append(f"{where}: unknown theme(s) {', '.join(unknown)}")
            continue
        themes, key = tuple(sorted(set(choices))), normalize_text(text)
        if key in seen:
            if seen[key] != themes:
                problems.append(f"{where}: text already labelled {list(seen[key])}, annotated {list(themes)}")
            else:
                skipped["duplicates"] += 1
            continue
        seen[key] = themes
        rows.append(
            {"id": f"ls-{entry.get('id', position + 1)}", "text": text, "themes": list(themes), "source": "labelstudio"}
        )
    if problems:
        raise LabelDataError(problems)
    return rows, skipped
