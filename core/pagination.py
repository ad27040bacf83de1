from __future__ import annotations

import datetime as dt
import re

from django.utils.dateparse import parse_datetime
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from core.exceptions import ValidationError


def _invalid_cursor() -> ValidationError:
    return ValidationError(
        "The cursor was not issued by this server.",
        code="invalid_cursor",
        fields={"cursor": ["Invalid cursor."]},
    )


class CursorPagination(pagination.CursorPagination):
    """Cursor pagination for every list (API.md): newest first, `?page_size=` up to 200.

    The first ordering field (the cursor's position) is a datetime on every list. A cursor the
    server did not issue (not base64, a position that is no aware datetime, or one out of
    range) answers 400 `invalid_cursor` rather than reaching the database.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")

    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise _invalid_cursor() from None
        if cursor is None or cursor.position is None:
            return cursor
        # The stubs type the position as an int; DRF keeps it as the text of the cursor.
        return cursor._replace(position=_position(str(cursor.position)))  # type: ignore[arg-type]


# A position as the server writes it (`str()` of an aware datetime), in ASCII digits.
_POSITION = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})"
)


def _position(text: str) -> str:
    """The position as an aware UTC datetime's text; 400 `invalid_cursor` if it is not one."""
    try:
        if not _POSITION.fullmatch(text):
            raise ValueError(text)
        value = parse_datetime(text)
        if value is None or value.tzinfo is None:
            raise ValueError(text)
        return value.astimezone(dt.UTC).isoformat()
    except (ValueError, OverflowError):
        raise _invalid_cursor() from None
