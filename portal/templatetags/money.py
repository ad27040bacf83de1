"""Money on a page: `{% load money %}{{ amount_fen|yuan }}` gives ¥1,234.56.

The one place fen become yuan, with integer arithmetic only (no float, no Decimal rounding).
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def yuan(amount_fen: int | None) -> str:
    """Integer fen as ¥ with thousands separators and two decimals; negative: -¥1,234.56;
    None: an empty string. Anything but an integer is a programming error."""
    if amount_fen is None or amount_fen == "":
        return ""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise TypeError(f"yuan takes integer fen, not {type(amount_fen).__name__}")
    sign = "-" if amount_fen < 0 else ""
    whole, cents = divmod(abs(amount_fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"
