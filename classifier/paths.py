"""The one place that knows where files live. Environment variables override the defaults."""

import os
from pathlib import Path

MODEL_ENV = "POLICY_THEMES_MODEL"
LABELS_ENV = "POLICY_THEMES_LABELS"


def project_root() -> Path:
    """The repository checkout this package runs from (installed editable)."""
    return Path(__file__).resolve().parent.parent


def labels_dir() -> Path:
    return Path(os.environ.get(LABELS_ENV) or project_root() / "labels")


def themes_file(labels: Path | None = None) -> Path:
    return (labels or labels_dir()) / "themes.toml"


def dictionary_file(labels: Path | None = None) -> Path:
    return (labels or labels_dir()) / "policy_terms.txt"


def model_path() -> Path:
    return Path(os.environ.get(MODEL_ENV) or project_root() / "models" / "policy-themes.joblib")


def checksum_path(model: Path) -> Path:
    """The sha256 sidecar written next to a model file."""
    return model.with_name(model.name + ".sha256")


def benchmark_file() -> Path:
    return project_root().parent / "shared" / "benchmark" / "dev.jsonl"
