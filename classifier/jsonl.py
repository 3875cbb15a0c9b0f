"""JSON Lines at batch speed: orjson, falling back to the standard library for what orjson refuses (lone
surrogates, integers beyond 64 bits), so that nothing readable or writable before becomes an error."""

import json

import orjson


def loads(line: str):
    """One JSON value; json.JSONDecodeError (with the standard library's message) if it is malformed."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def dumps(value, fallback=None) -> str:
    """JSON text, compact, non-ASCII text kept as is; what orjson refuses goes to `fallback(value)`, by
    default the standard library."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:
        if fallback is not None:
            return fallback(value)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dumps_line(record) -> str:
    """One record as a line of JSON Lines."""
    return dumps(record) + "\n"
