"""JSON Lines at batch speed: orjson, falling back to the standard library for what orjson refuses (lone
surrogates, integers beyond 64 bits), so that nothing readable or writable before becomes an error."""

import json

import orjson

from .normalize import LONE_SURROGATES


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
        return _standard_dumps(value)


def dumps_line(record) -> bytes:
    """One record as a line of JSON Lines, UTF-8 encoded."""
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return (_standard_dumps(record) + "\n").encode("utf-8")


def _standard_dumps(value) -> str:
    # A lone surrogate (read from a "\ud800" escape) cannot be encoded as UTF-8: written back as the same
    # escape, the line stays valid JSON for the same value.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return LONE_SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
