"""Money and quantity helpers. Money is integer fen everywhere; rates are basis points."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.db import models

MAX_FEN = 2**63 - 1
BPS = 10_000


class Category(models.TextChoices):
    COMPUTE = "compute"
    MODEL = "model"
    DATA = "data"


def subsidy_of(gross_fen: int, rate_bps: int) -> int:
    """floor(gross × rate): rounding always goes down, so the city never overpays a fen."""
    return gross_fen * rate_bps // BPS


def gross_of(quantity: Decimal, unit_price_fen: int) -> int:
    """The price of a quantity, rounded down to the fen."""
    return int((quantity * unit_price_fen).to_integral_value(rounding=ROUND_DOWN))


def proportion_of(amount_fen: int, part: Decimal, whole: Decimal) -> int:
    """floor(amount × part / whole), exactly (no float)."""
    if whole <= 0:
        return 0
    return int((Decimal(amount_fen) * part / whole).to_integral_value(rounding=ROUND_DOWN))


def yuan(fen: int) -> str:
    """Format fen as yuan with two decimals, for templates and exports only."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"
