"""The API's JSON parser: strict JSON only, so a body means one thing.

DRF's parser takes the last of two equal keys, lets ``1e999`` through as infinity and lets deep
nesting overflow the interpreter's stack (``RecursionError``, a 500). This one refuses all three
with a 400 in the one error format. A JSON body over ``MAX_JSON_BODY_BYTES``, like any body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``errors.exception_handler``), is a 413.
"""

import json
import math
import re
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from rest_framework import parsers

from .errors import DomainError, TooLarge

# Our deepest real input is a GeoJSON MultiPolygon inside an object (5 levels); leave headroom.
MAX_JSON_DEPTH = 32
# Our largest real JSON input is a drawn polygon (a few kB); strict parsing costs a few times DRF's, so a
# JSON body gets less room than the 12 MB Django allows a request.
MAX_JSON_BODY_BYTES = 2 * 1024 * 1024
ERROR_JSON_TOO_LARGE = format_lazy(
    gettext_lazy("The JSON body is larger than {limit} bytes."), limit=MAX_JSON_BODY_BYTES
)
ERROR_JSON_MALFORMED = gettext_lazy("The body is not valid JSON: {detail}.")
ERROR_JSON_TOO_DEEP = format_lazy(
    gettext_lazy("The JSON body is nested more than {limit} levels deep."), limit=MAX_JSON_DEPTH
)
ERROR_JSON_DUPLICATE_KEY = gettext_lazy("The key appears more than once in one JSON object.")
ERROR_JSON_NOT_FINITE = gettext_lazy("JSON numbers must be finite (no NaN, Infinity or out-of-range values).")
_ESCAPE = re.compile(r"\\.")
_NOT_BRACKET_OR_QUOTE = re.compile(r'[^\[\]{}"]+')
_STRING = re.compile(r'"[^"]*"')
_INNERMOST_PAIR = re.compile(r"\[\]|\{\}")
_OPENERS_PAST_LIMIT = re.compile(r"[\[{]{" + str(MAX_JSON_DEPTH + 1) + "}")


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


def _nests_deeper_than(text: str, limit: int) -> bool:
    """Whether valid JSON ``text`` nests arrays and objects deeper than ``limit``.

    Done on the text with C-speed regular expressions rather than by walking the parsed value in
    Python, which costs seconds on a 12 MB body: drop escapes (so no quote inside a string is left),
    keep only brackets and quotes, drop the strings, then peel innermost pairs.
    """
    brackets = _STRING.sub("", _NOT_BRACKET_OR_QUOTE.sub("", _ESCAPE.sub("", text)))
    if _OPENERS_PAST_LIMIT.search(brackets):
        return True
    for _ in range(limit):
        if not brackets:
            return False
        brackets = _INNERMOST_PAIR.sub("", brackets)
    return bool(brackets)


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
    if isinstance(value, dict | list) and _nests_deeper_than(text, MAX_JSON_DEPTH):
        raise MalformedBody(ERROR_JSON_TOO_DEEP)
    return value


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with ``json_loads_strict`` and its own, lower size limit.

    DRF reads the body through ``request.body``, which Django already caps at DATA_UPLOAD_MAX_MEMORY_SIZE.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        raw = stream.read(MAX_JSON_BODY_BYTES + 1)
        if len(raw) > MAX_JSON_BODY_BYTES:
            raise TooLarge(ERROR_JSON_TOO_LARGE)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise MalformedBody(ERROR_JSON_MALFORMED.format(detail=error)) from error
        return json_loads_strict(text)
