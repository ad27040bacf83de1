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
    """A quantity without trailing zeros or an exponent: 10.500000 gives 10.5."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def percent(rate_bps: int | None) -> str:
    """Basis points as a percentage: 3000 gives 30%, 1250 gives 12.5%."""
    if rate_bps is None:
        return ""
    whole, part = divmod(rate_bps, 100)
    return f"{whole}%" if not part else f"{whole}.{part:02d}".rstrip("0") + "%"
