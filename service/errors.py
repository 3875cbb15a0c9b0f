"""Every error leaves as JSON `{"error": {"code", "message"}}`; bad input never becomes a 500."""

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from classifier.errors import InputTextError, PolicyThemesError, TextTooLongError

log = logging.getLogger(__name__)


def error_response(status: int, code: str, message: str):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    # App-wide handlers: a blueprint's handlers would miss 404, 405 and 413.
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(TextTooLongError)
    def too_long(exc: TextTooLongError):
        return error_response(413, "payload_too_large", str(exc))

    @app.errorhandler(InputTextError)
    def bad_text(exc: InputTextError):
        return error_response(400, "bad_request", str(exc))

    @app.errorhandler(PolicyThemesError)
    def core_error(exc: PolicyThemesError):
        log.error("policy-themes error: %s", exc)
        return error_response(500, "internal_error", str(exc))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error")
        return error_response(500, "internal_error", "internal error; see the server log")
