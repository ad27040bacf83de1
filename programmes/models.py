"""Programmes and their budget pools: the bottom of the domain, imported by every app above
it. Every number is a setting (DESIGN.md 1 and 9)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from core.models import BaseModel
from core.money import Category


class Programme(BaseModel):
    """A city's subsidy programme. Every number is a setting (DESIGN.md 1)."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, default="CNY")
    starts_on = models.DateField()
    ends_on = models.DateField()
    time_zone = models.CharField(max_length=64, default="Asia/Shanghai")
    auto_grant = models.BooleanField(default=False)
    dispute_window_days = models.PositiveIntegerField(default=7)
    voucher_validity_months = models.PositiveIntegerField(default=12)
    unaccepted_order_expiry_days = models.PositiveIntegerField(default=7)
    preset = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="programme_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.code


class BudgetPool(BaseModel):
    """One category's budget in a programme, held in the ledger account `pool:<category>`."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="pools")
    category = models.CharField(max_length=10, choices=Category.choices)
    budget_fen = models.BigIntegerField()
    rate_bps = models.PositiveIntegerField()
    firm_cap_fen = models.BigIntegerField(help_text="Per firm per calendar year.")
    account = models.OneToOneField("ledger.Account", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["programme", "category"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "category"], name="pool_unique_category"),
            models.CheckConstraint(
                condition=Q(rate_bps__gt=0, rate_bps__lte=10000), name="pool_rate_bps_range"
            ),
            models.CheckConstraint(condition=Q(budget_fen__gte=0), name="pool_budget_gte_0"),
            models.CheckConstraint(condition=Q(firm_cap_fen__gt=0), name="pool_firm_cap_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.category}"
