"""Money on a page: one filter, integer fen to ¥ with integer arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from portal.templatetags.money import yuan


@pytest.mark.parametrize(
    ("fen", "shown"),
    [
        (0, "¥0.00"),
        (1, "¥0.01"),
        (99, "¥0.99"),
        (100, "¥1.00"),
        (123456, "¥1,234.56"),
        (-123456, "-¥1,234.56"),
        (-5, "-¥0.05"),
        (100_000_000_000, "¥1,000,000,000.00"),
        (2**63 - 1, "¥92,233,720,368,547,758.07"),  # beyond a float's precision, still exact
        (None, ""),
    ],
)
def test_yuan(fen: int | None, shown: str) -> None:
    assert yuan(fen) == shown


@pytest.mark.parametrize("value", [1.5, Decimal("1.50"), "100", True])
def test_yuan_refuses_anything_but_integer_fen(value: object) -> None:
    with pytest.raises(TypeError):
        yuan(value)  # type: ignore[arg-type]


def test_the_filter_in_a_template() -> None:
    template = Template("{% load money %}{{ amount|yuan }}")

    assert template.render(Context({"amount": 123456})) == "¥1,234.56"
