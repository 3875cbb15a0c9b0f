"""The OpenAPI 3.1 description of the HTTP API, served at GET /openapi.json and tested against real answers."""


def _scores() -> dict:
    return {"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}}


def _evidence() -> dict:
    term = {
        "type": "object",
        "required": ["term", "weight"],
        "properties": {"term": {"type": "string"}, "weight": {"type": "number"}},
        "additionalProperties": False,
    }
    return {"type": "object", "additionalProperties": {"type": "array", "items": term}}


def _result(extra: dict | None = None, required=("themes", "scores")) -> dict:
    properties = {
        "themes": {"type": "array", "items": {"type": "string"}, "description": "highest score first"},
        "scores": _scores(),
        "evidence": _evidence(),
        "warning": {"type": "string"},
        **(extra or {}),
    }
    return {"type": "object", "required": list(required), "properties": properties, "additionalProperties": False}


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document(config) -> dict:
    max_texts, max_chars, max_body = config["MAX_TEXTS"], config["MAX_TEXT_CHARS"], config["MAX_CONTENT_LENGTH"]
    text = {"type": "string", "minLength": 1, "maxLength": max_chars, "description": "a paragraph of Chinese text"}
    request_schema = {
        "type": "object",
        "properties": {
            "text": text,
            "texts": {"type": "array", "items": text, "minItems": 1, "maxItems": max_texts},
            "threshold": {"type": "number", "minimum": 0, "maximum": 1},
            "explain": {"type": "boolean"},
        },
        "oneOf": [{"required": ["text"]}, {"required": ["texts"]}],
    }
    errors = {
        "400": _error_response("malformed JSON; missing, empty or non-string text; too many texts; bad options"),
        "413": _error_response(f"body over {max_body} bytes or a text over {max_chars} characters"),
        "415": _error_response("content type other than application/json or text/plain"),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "policy-themes",
            "version": "1",
            "description": (
                "Tags paragraphs of Chinese policy text with policy themes. Limits: request body "
                f"{max_body} bytes, {max_texts} texts per request, {max_chars} characters per text."
            ),
        },
        "paths": {
            "/classify": {
                "post": {
                    "summary": "Themes and scores for one text or a batch",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": request_schema},
                            "text/plain": {"schema": {"type": "string"}},
                        },
                    },
                    "responses": {
                        "200": _json(
                            {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/Single"},
                                    {"$ref": "#/components/schemas/Batch"},
                                ]
                            },
                            "one result for `text`, `results` for `texts`",
                        ),
                        **errors,
                    },
                }
            },
            "/health": {"get": {"responses": {"200": _json({"$ref": "#/components/schemas/Health"}, "serving")}}},
            "/themes": {"get": {"responses": {"200": _json({"$ref": "#/components/schemas/Themes"}, "the taxonomy")}}},
            "/model": {"get": {"responses": {"200": _json({"type": "object"}, "model metadata and CV metrics")}}},
            "/admin/reload": {
                "post": {
                    "summary": "Load the model file again (loopback clients, or the bearer token)",
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Reload"}, "reloaded or unchanged"),
                        "403": _error_response("not allowed from this client"),
                        "409": _error_response("the new file failed to load or verify; the old model keeps serving"),
                    },
                }
            },
            "/openapi.json": {"get": {"responses": {"200": _json({"type": "object"}, "this document")}}},
        },
        "components": {
            "schemas": {
                "Single": _result({"model": {"type": "string"}}, ("themes", "scores", "model")),
                "Batch": {
                    "type": "object",
                    "required": ["results", "model"],
                    "properties": {"results": {"type": "array", "items": _result()}, "model": {"type": "string"}},
                    "additionalProperties": False,
                },
                "Health": {
                    "type": "object",
                    "required": ["status", "model"],
                    "properties": {
                        "status": {"const": "ok"},
                        "model": {"type": "string"},
                        "reload_error": {"type": "string"},
                    },
                },
                "Themes": {
                    "type": "object",
                    "required": ["themes"],
                    "properties": {
                        "themes": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["key", "name_zh", "name_en", "description", "threshold"],
                                "properties": {
                                    "key": {"type": "string"},
                                    "name_zh": {"type": "string"},
                                    "name_en": {"type": "string"},
                                    "description": {"type": "string"},
                                    "core": {"type": "boolean"},
                                    "threshold": {"type": "number"},
                                },
                            },
                        }
                    },
                },
                "Reload": {
                    "type": "object",
                    "required": ["status", "model"],
                    "properties": {"status": {"enum": ["reloaded", "unchanged"]}, "model": {"type": "string"}},
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                        }
                    },
                },
            }
        },
    }
