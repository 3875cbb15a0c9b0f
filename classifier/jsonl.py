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


def dumps_line(record) -> str:
    """One record as a line of JSON, non-ASCII text kept as is."""
    try:
        return orjson.dumps(record).decode("utf-8") + "\n"
    except TypeError:
        return json.dumps(record, ensure_ascii=False) + "\n"
