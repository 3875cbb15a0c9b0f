"""The model a running service answers with, and switching to a retrained one without downtime.

`make train` replaces the model file atomically. Each worker looks at the file's modification time
at most every RELOAD_SECONDS (or at once on POST /admin/reload) and, when it changed, loads and
verifies the new file before swapping it in. A file that fails to load or verify leaves the old
model serving; the failure is logged and shown on /health.
"""

import logging
import os
import threading
import time
from pathlib import Path

from classifier.artifact import load_model
from classifier.errors import PolicyThemesError
from classifier.model import ThemeModel
from classifier.paths import checksum_path

log = logging.getLogger(__name__)


class ModelHolder:
    def __init__(self, model: ThemeModel, path: Path | None, reload_seconds: float):
        self.model = model
        self.path = path
        self.reload_seconds = reload_seconds
        self.error: str | None = None
        self._stamp = self._file_stamp()
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    def current(self) -> ThemeModel:
        """The model to answer with; checks for a new file when the interval has passed."""
        due = self.reload_seconds > 0 and time.monotonic() - self._checked >= self.reload_seconds
        if due and self.path is not None:
            self.reload()
        return self.model

    def reload(self, force: bool = False) -> bool:
        """Switch to the file's model if it changed (or if `force`); True when a new model was loaded."""
        if self.path is None:
            return False
        with self._lock:
            self._checked = time.monotonic()
            stamp = self._file_stamp()
            if stamp == self._stamp and not force:
                return False
            try:
                model = load_model(self.path).serving_only()
                model.warm_up()
            except PolicyThemesError as exc:
                self.error = f"kept model {self.model.version}: {exc}"
                self._stamp = stamp  # do not retry a broken file on every request
                log.error("model reload failed: %s", exc)
                return False
            previous, self.model, self._stamp, self.error = self.model.version, model, stamp, None
            log.info("model reloaded: %s -> %s", previous, model.version)
            return True

    def _file_stamp(self):
        """What identifies the file's content: its checksum sidecar, plus time and size of the model."""
        if self.path is None:
            return None
        try:
            stat = os.stat(self.path)
            checksum = checksum_path(self.path).read_text(encoding="utf-8")
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size, checksum
