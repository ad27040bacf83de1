from __future__ import annotations

from decimal import Decimal

from django import template

from portal import labels

register = template.Library()


@register.filter
def role_label(role: str) -> str:
    return labels.role_label(role)


@register.filter
def label(value: str, kind: str) -> str:
    """`{{ order.status|label:"order_status" }}`: a stored value's translated name."""
    return labels.value_label(kind, value)


@register.filter
def quantity(value: Decimal | None) -> str:
    """A quantity without trailing zeros: 2.500000 is 2.5, 10.000000 is 10."""
    if value is None:
        return ""
    return f"{value.normalize():f}"
