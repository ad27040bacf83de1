"""The JSON parser of every API view: DRF's, bounded in size and in nesting depth.

DRF reads a JSON body straight from the request stream, so Django's
`DATA_UPLOAD_MAX_MEMORY_SIZE` (checked only when `request.body` or `request.POST` is read)
never bounds it, and the standard library's decoder recurses once per nesting level: a body
nested thousands deep raises `RecursionError`, a 500. This parser reads at most the limit
(413 `request_too_large` beyond it) and refuses a body nested deeper than `MAX_DEPTH` before
decoding it (400 `validation_error`, like any other malformed JSON).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import accumulate
from typing import IO, Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json as drf_json

from core.exceptions import RequestTooLargeError

# No request body of the API nests deeper than 3; this leaves room and stays far from the
# interpreter's recursion limit.
MAX_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_OPENING = frozenset(b"[{")


def body_limit() -> int | None:
    limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit


def read_bounded(stream: IO[bytes]) -> bytes:
    """The whole body, or 413 `request_too_large` once it passes the limit."""
    limit = body_limit()
    raw = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(raw) > limit:
        raise RequestTooLargeError(limit)
    return raw


def nesting_depth(raw: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings not counted)."""
    brackets = _BRACKET.findall(_STRING.sub(b"", raw))
    if not brackets:
        return 0
    return max(accumulate(1 if b[0] in _OPENING else -1 for b in brackets))


def _malformed(reason: str) -> ParseError:
    return ParseError(f"JSON parse error - {reason}")


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[bytes] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = read_bounded(stream) if stream is not None else b""
        if nesting_depth(raw) > MAX_DEPTH:
            raise _malformed(f"nested more than {MAX_DEPTH} levels deep")
        try:
            text = raw.decode(encoding)
            parse_constant = drf_json.strict_constant if self.strict else None
            return drf_json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise _malformed(str(exc)[:200]) from exc
