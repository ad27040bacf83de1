from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from rest_framework import serializers

# Control characters (Unicode category Cc): C0, DEL and C1.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The same, less the line breaks and the tab that a multi-line text may hold.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A decimal as the contract writes it: ASCII digits, an optional sign and decimal point; no
# exponent, no digit separators, no other scripts' digits (all of which `Decimal()` accepts).
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def has_control_character(text: str) -> bool:
    return _CONTROL.search(text) is not None


class SingleLineField(serializers.CharField):
    """A one-line text input (a name, a code): no control character at all, so no NUL, CR or
    LF can reach a bank file, a CSV export or a log line."""

    default_error_messages = {"control_character": "Control characters are not allowed."}

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if has_control_character(value):
            self.fail("control_character")
        return value


class TextField(serializers.CharField):
    """A multi-line text input (a reason, a description): line breaks and tabs, but no other
    control character."""

    default_error_messages = {"control_character": "Control characters are not allowed."}

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if _CONTROL_IN_TEXT.search(value):
            self.fail("control_character")
        return value


class DecimalStringField(serializers.DecimalField):
    """A quantity (API.md: a decimal string), written `12.5`: ASCII digits with an optional
    sign and decimal point. A JSON integer is taken too."""

    default_error_messages = {
        "not_decimal_string": 'Must be a decimal string of ASCII digits, such as "12.5".'
    }

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, (str, int)):
            self.fail("not_decimal_string")
        if isinstance(data, str) and not _DECIMAL.fullmatch(data.strip(" ")):
            self.fail("not_decimal_string")
        value: Decimal = super().to_internal_value(data)
        return value


class ReasonInput(serializers.Serializer[Any]):
    """The body of every refusal-style action (reject, revoke, suspend, dispute)."""

    reason = TextField(max_length=2000)


class FieldsBuiltOnce:
    """Mix into an output serializer (before the DRF base) whose fields are built and bound
    once per class, then shared by its instances.

    DRF builds a serializer's fields anew for every instance; a ModelSerializer introspects
    its model to do it, which for the order response was a tenth of an order's CPU. Output
    fields keep no state while they represent a value, so sharing them is safe, with one
    condition: no field may read the serializer's context or instance (hyperlinked fields,
    `SerializerMethodField` using `self.context`). Input serializers must not use this.
    """

    @property
    def fields(self) -> Any:
        cls = type(self)
        fields = cls.__dict__.get("_fields_built_once")
        if fields is None:
            # Bound to a template instance of their own, never to a caller's.
            template = cls()
            fields = super(FieldsBuiltOnce, template).fields  # type: ignore[misc]
            cls._fields_built_once = fields  # type: ignore[attr-defined]
        return fields
