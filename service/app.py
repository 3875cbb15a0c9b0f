"""The Flask application factory. It loads the model once and never trains."""

import gc
import os
from pathlib import Path

from flask import Flask

from classifier import paths
from classifier.artifact import load_model

from .api import api
from .errors import register_error_handlers
from .holder import ModelHolder
from .jsonprovider import FastJSONProvider
from .page import page

MIB = 1024 * 1024


def default_config() -> dict:
    return {
        "MODEL_PATH": str(paths.model_path()),
        "MAX_CONTENT_LENGTH": MIB,  # Flask answers 413 past this
        "MAX_TEXTS": 256,
        "MAX_TEXT_CHARS": 20_000,
        "MAX_PAGE_PARAGRAPHS": 2_000,  # paragraphs the web page shows for one document
        # "fast" (the product) or "reference": the scikit-learn Pipeline, for side-by-side benchmarks
        "SCORER": os.environ.get("POLICY_THEMES_SCORER", "fast"),
        # How often a worker checks whether `make train` replaced the model file (0: never).
        "RELOAD_SECONDS": float(os.environ.get("POLICY_THEMES_RELOAD_SECONDS", "5")),
        # POST /admin/reload is allowed from loopback addresses, or with this bearer token.
        "ADMIN_TOKEN": os.environ.get("POLICY_THEMES_ADMIN_TOKEN"),
    }


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides the defaults; `MODEL` may pass an already loaded model (tests)."""
    app = Flask(__name__)
    app.config.from_mapping(default_config())
    app.config.update(config or {})
    app.json = FastJSONProvider(app)
    injected = app.config.get("MODEL")
    model = injected or load_model(app.config["MODEL_PATH"])
    if app.config["SCORER"] == "reference":
        model = model.as_reference()
    elif injected is None:
        model.serving_only()
    model.warm_up()
    reloadable = injected is None and app.config["SCORER"] == "fast"
    path = Path(app.config["MODEL_PATH"]) if reloadable else None
    app.extensions["policy_themes"] = ModelHolder(model, path, app.config["RELOAD_SECONDS"])
    app.register_blueprint(api)
    app.register_blueprint(page)
    register_error_handlers(app)
    # What is loaded now (the model's tables and dictionaries, Flask, numpy) lives as long as the worker:
    # moved out of the collector's reach, full collections no longer walk it between requests.
    gc.freeze()
    return app
