from __future__ import annotations

from typing import Any

from rest_framework import serializers


class ReasonInput(serializers.Serializer[Any]):
    """The body of every refusal-style action (reject, revoke, suspend, dispute)."""

    reason = serializers.CharField(max_length=2000)


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
