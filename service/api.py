"""HTTP routes: classify, health, themes, model."""

import ipaddress
import math

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import BadRequest, Conflict, Forbidden, UnsupportedMediaType

from classifier.model import ThemeModel, check_text

from .openapi import openapi_document

api = Blueprint("api", __name__)
_SLICE = 32


def predict_in_slices(model: ThemeModel, texts: list[str], threshold: float | None = None, explain: bool = False):
    """`model.predict`, 32 texts at a time: a long-lived worker's heap then stays small after batch requests
    and long pages (RSS after a load run 151 -> 141 MB) at the same throughput."""
    return [p for i in range(0, len(texts), _SLICE) for p in model.predict(texts[i : i + _SLICE], threshold, explain)]


def current_model() -> ThemeModel:
    return current_app.extensions["policy_themes"].current()


@api.post("/classify")
def classify():
    texts, single, threshold, explain = _parse_classify(current_app.config)
    model = current_model()
    results = [_result(p, explain) for p in predict_in_slices(model, texts, threshold, explain)]
    if single:
        return jsonify(**results[0], model=model.version)
    return jsonify(results=results, model=model.version)


@api.get("/health")
def health():
    holder = current_app.extensions["policy_themes"]
    body = {"status": "ok", "model": holder.current().version}
    if holder.error:
        body["reload_error"] = holder.error
    return jsonify(body)


@api.post("/admin/reload")
def reload_model():
    """Load the model file again now (normally workers notice a new file within RELOAD_SECONDS)."""
    _require_admin()
    holder = current_app.extensions["policy_themes"]
    if holder.path is None:
        raise Conflict("this service was started with a model object, not a file; nothing to reload")
    changed = holder.reload()
    if holder.error:
        raise Conflict(holder.error)
    return jsonify(status="reloaded" if changed else "unchanged", model=holder.model.version)


def _require_admin() -> None:
    token = current_app.config.get("ADMIN_TOKEN")
    if token and request.headers.get("Authorization") == f"Bearer {token}":
        return
    if not token and ipaddress.ip_address(request.remote_addr or "0.0.0.0").is_loopback:
        return
    raise Forbidden("admin endpoints need a loopback client, or the bearer token when one is configured")


@api.get("/themes")
def themes():
    model = current_model()
    return jsonify(themes=[{**t.as_dict(), "threshold": model.thresholds[t.key]} for t in model.themes])


@api.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app.config))


@api.get("/model")
def model_metadata():
    model = current_model()
    return jsonify(**model.metadata, thresholds=model.thresholds)


def _result(prediction, explain: bool) -> dict:
    result = {"themes": prediction.themes, "scores": prediction.scores}
    if explain:
        result["evidence"] = prediction.evidence
    if prediction.warning:
        result["warning"] = prediction.warning
    return result


def _parse_classify(config) -> tuple[list[str], bool, float | None, bool]:
    """(texts, whether one text was sent, threshold override, explain) from a JSON or text/plain body."""
    if request.mimetype == "text/plain":
        return [check_text(_plain_body(), config["MAX_TEXT_CHARS"])], True, None, False
    if request.mimetype != "application/json":
        raise UnsupportedMediaType('send application/json ({"text": ...}) or text/plain')
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('body must be a JSON object such as {"text": "..."}')
    threshold = _threshold(body.get("threshold"))
    explain = body.get("explain", False)
    if not isinstance(explain, bool):
        raise BadRequest('"explain" must be true or false')
    if ("text" in body) == ("texts" in body):
        raise BadRequest('give exactly one of "text" (a string) or "texts" (a list of strings)')
    if "text" in body:
        return [check_text(body["text"], config["MAX_TEXT_CHARS"])], True, threshold, explain
    texts = body["texts"]
    if not isinstance(texts, list) or not texts:
        raise BadRequest('"texts" must be a non-empty list of strings')
    if len(texts) > config["MAX_TEXTS"]:
        raise BadRequest(f'"texts" has {len(texts)} items; the limit is {config["MAX_TEXTS"]}')
    return [check_text(t, config["MAX_TEXT_CHARS"]) for t in texts], False, threshold, explain


def _plain_body() -> str:
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("text/plain body must be UTF-8") from exc


def _threshold(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1 or math.isnan(value):
        raise BadRequest('"threshold" must be a number between 0 and 1')
    return float(value)
