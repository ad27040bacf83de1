"""Reads for programmes and vouchers, always scoped to the caller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import FIRM_ROLES, STAFF_ROLES
from ledger.models import Account
from programmes.models import BudgetPool, Programme
from vouchers.models import FirmCapUsage, Voucher, VoucherApplication


def voucher_applications_for(*, user: User) -> QuerySet[VoucherApplication]:
    queryset = VoucherApplication.objects.select_related(
        "programme", "voucher__account", "voucher__programme", "firm"
    )
    if user.roles & STAFF_ROLES:
        return queryset
    if user.roles & FIRM_ROLES and user.organisation_id:
        return queryset.filter(firm_id=user.organisation_id)
    return queryset.none()


def vouchers_for(*, user: User) -> QuerySet[Voucher]:
    queryset = Voucher.objects.select_related("account", "programme", "firm")
    if user.roles & STAFF_ROLES:
        return queryset
    if user.roles & FIRM_ROLES and user.organisation_id:
        return queryset.filter(firm_id=user.organisation_id)
    return queryset.none()


def voucher_figures(voucher: Voucher) -> dict[str, Any]:
    account: Account = voucher.account
    available = account.available
    status = voucher.status
    if status == Voucher.Status.ACTIVE and available <= 0:
        status = "exhausted"
    return {
        "available_fen": max(available, 0),
        "held_fen": account.debits_pending,
        "used_fen": account.debits_posted - voucher.returned_fen,
        "display_status": status,
    }


def vouchers_usable_by(*, user: User) -> QuerySet[Voucher]:
    """The caller's firm's active vouchers (an order may name one), soonest to expire first."""
    return (
        vouchers_for(user=user)
        .filter(status=Voucher.Status.ACTIVE)
        .select_related("account")
        .order_by("valid_until", "code")
    )


@dataclass(frozen=True)
class CapFigures:
    programme: Programme
    category: str
    year: int
    cap_fen: int
    used_fen: int

    @property
    def remaining_fen(self) -> int:
        return max(self.cap_fen - self.used_fen, 0)


def firm_caps(*, user: User, now: dt.datetime) -> list[CapFigures]:
    """The caller's firm's yearly cap in each category of every programme it holds a voucher
    in: what its orders hold or captured this year (on the programme's calendar) and what is
    left. Two queries, whatever the number of programmes."""
    firm_id = user.organisation_id if user.roles & FIRM_ROLES else None
    if firm_id is None:
        return []
    pools = list(
        BudgetPool.objects.select_related("programme")
        .filter(programme__vouchers__firm_id=firm_id)
        .distinct()
        .order_by("programme__code", "category")
    )
    years = {pool.pk: now.astimezone(ZoneInfo(pool.programme.time_zone)).year for pool in pools}
    used = {
        (row.programme_id, row.category, row.year): row
        for row in FirmCapUsage.objects.filter(firm_id=firm_id, year__in=set(years.values()))
    }
    figures = []
    for pool in pools:
        row = used.get((pool.programme_id, pool.category, years[pool.pk]))
        figures.append(
            CapFigures(
                programme=pool.programme,
                category=pool.category,
                year=years[pool.pk],
                cap_fen=row.cap_fen if row else pool.firm_cap_fen,
                used_fen=row.used_fen if row else 0,
            )
        )
    return figures
