"""The taxonomy: themes come from `labels/themes.toml`, never from code."""

import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import LabelDataError


@dataclass(frozen=True)
class Theme:
    key: str
    name_zh: str
    name_en: str
    description: str
    core: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def load_themes(path: Path) -> list[Theme]:
    """Read `[[theme]]` tables; every field is required and keys are unique."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LabelDataError([f"{path}: file not found"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise LabelDataError([f"{path}: invalid TOML: {exc}"]) from exc
    themes, problems = [], []
    for index, table in enumerate(data.get("theme", [])):
        missing = [f for f in ("key", "name_zh", "name_en", "description") if not table.get(f)]
        if missing:
            problems.append(f"{path}: theme #{index + 1} lacks {', '.join(missing)}")
            continue
        themes.append(
            Theme(table["key"], table["name_zh"], table["name_en"], table["description"], bool(table.get("core")))
        )
    keys = [t.key for t in themes]
    problems += [f"{path}: theme key {k!r} appears twice" for k in sorted({k for k in keys if keys.count(k) > 1})]
    if not themes and not problems:
        problems.append(f"{path}: no [[theme]] tables")
    if problems:
        raise LabelDataError(problems)
    return themes
