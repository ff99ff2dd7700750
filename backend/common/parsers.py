"""The API's JSON parser: strict JSON only, so a body means one thing.

DRF's parser takes the last of two equal keys, lets ``1e999`` through as infinity and lets deep
nesting overflow the interpreter's stack (``RecursionError``, a 500). This one refuses all three
with a 400 in the one error format; bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` become a 413
(``errors.exception_handler``).
"""

import codecs
import json
import math
from typing import Any

from rest_framework import parsers

from .errors import DomainError

# Our deepest real input is a GeoJSON MultiPolygon inside an object (5 levels); leave headroom.
MAX_JSON_DEPTH = 32
ERROR_JSON_MALFORMED = "The body is not valid JSON: {detail}."
ERROR_JSON_TOO_DEEP = f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
ERROR_JSON_DUPLICATE_KEY = "The key appears more than once in one JSON object."
ERROR_JSON_NOT_FINITE = "JSON numbers must be finite (no NaN, Infinity or out-of-range values)."


class MalformedBody(DomainError):
    code = "parse_error"


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise MalformedBody(ERROR_JSON_DUPLICATE_KEY, field=duplicate)
    return result


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise MalformedBody(ERROR_JSON_NOT_FINITE)
    return value


def _refuse_constant(name: str) -> None:
    raise MalformedBody(ERROR_JSON_NOT_FINITE)


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether containers nest deeper than ``limit``; iterative, and stops at the first too-deep one."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def json_loads_strict(text: str) -> Any:
    """Parse JSON text, refusing duplicate keys, non-finite numbers and nesting past ``MAX_JSON_DEPTH``."""
    try:
        value = json.loads(
            text, object_pairs_hook=_unique_keys, parse_float=_finite_float, parse_constant=_refuse_constant
        )
    except RecursionError as error:
        raise MalformedBody(ERROR_JSON_TOO_DEEP) from error
    except ValueError as error:
        raise MalformedBody(ERROR_JSON_MALFORMED.format(detail=error)) from error
    if isinstance(value, dict | list) and _depth_exceeds(value, MAX_JSON_DEPTH):
        raise MalformedBody(ERROR_JSON_TOO_DEEP)
    return value


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with ``json_loads_strict``; DRF reads the body through ``request.body``, size-checked."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError as error:
            raise MalformedBody(ERROR_JSON_MALFORMED.format(detail=error)) from error
        return json_loads_strict(text)
