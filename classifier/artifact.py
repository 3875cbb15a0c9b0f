"""Saving and loading the model file: atomic writes, a sha256 sidecar checked before unpickling."""

import hashlib
import os
import tempfile
import warnings
from pathlib import Path

from .errors import ModelLoadError, ModelNotFoundError
from .model import MODEL_FORMAT, ThemeModel
from .paths import checksum_path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model: ThemeModel, path: Path) -> None:
    """Write model and checksum via temporary files and rename, so readers never see half a file."""
    import joblib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(model, tmp)  # uncompressed: loads in a fraction of the time
        digest = file_sha256(Path(tmp))
        _write_atomic(checksum_path(path), f"{digest}  {path.name}\n")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load_model(path: Path) -> ThemeModel:
    """Load a model this project wrote; refuse files whose checksum does not match."""
    import joblib

    path = Path(path)
    if not path.is_file():
        raise ModelNotFoundError(f"no model at {path}; run `make train` (or set POLICY_THEMES_MODEL)")
    _verify_checksum(path)
    try:
        model = joblib.load(path)
    except Exception as exc:  # any unpickling failure means the same thing to the caller
        raise ModelLoadError(f"cannot read model {path}: {exc}") from exc
    if not isinstance(model, ThemeModel):
        raise ModelLoadError(f"{path} is not a policy-themes model (found {type(model).__name__})")
    if getattr(model, "format", None) != MODEL_FORMAT:
        raise ModelLoadError(f"{path} was written by another version of policy-themes; retrain with `make train`")
    _warn_on_version_drift(model)
    return model


def _verify_checksum(path: Path) -> None:
    sidecar = checksum_path(path)
    if not sidecar.is_file():
        raise ModelLoadError(f"{path} has no checksum file {sidecar.name}; retrain with `make train`")
    expected = sidecar.read_text(encoding="utf-8").split()[0:1]
    if expected != [file_sha256(path)]:
        raise ModelLoadError(f"{path} does not match its checksum {sidecar.name}; refusing to load it")


def _warn_on_version_drift(model: ThemeModel) -> None:
    from importlib.metadata import version

    for package, trained in model.metadata.get("packages", {}).items():
        try:
            current = version(package)
        except Exception:
            current = "missing"
        if current != trained:
            warnings.warn(
                f"model was trained with {package} {trained}, running with {current}; retrain if results look off",
                stacklevel=3,
            )


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
