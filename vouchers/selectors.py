"""Reads for programmes and vouchers, always scoped to the caller."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import FIRM_ROLES, STAFF_ROLES
from ledger.models import Account
from vouchers.models import Voucher, VoucherApplication


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
