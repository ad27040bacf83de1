from __future__ import annotations

import datetime as dt
from typing import Any

from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError


class StrictFilterBackend(filters.DjangoFilterBackend):
    """django-filter, answering 400 validation_error (not an empty list) on a bad filter."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        _datetimes_in_utc(filterset.form.cleaned_data)
        return filterset.qs


def _datetimes_in_utc(cleaned_data: dict[str, Any]) -> None:
    """PostgreSQL refuses UTC offsets beyond ±15:59 that ISO 8601 parsing accepts
    (`?created_before=2025-01-01T00:00:00-23:33` answered 500): filter on the same instant in
    UTC, and refuse one outside the representable range as a bad filter."""
    errors: dict[str, list[str]] = {}
    for name, value in cleaned_data.items():
        if isinstance(value, dt.datetime) and value.utcoffset() is not None:
            try:
                cleaned_data[name] = value.astimezone(dt.UTC)
            except OverflowError:
                errors[name] = ["Out of range."]
    if errors:
        raise ValidationError(errors)
