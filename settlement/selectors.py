"""Reads for settlement: batches and their bank file, exceptions, clawbacks, and the programme
report (from the ledger). Staff read them all (the API's permissions say who is staff)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from accounts.models import User
from accounts.roles import PROVIDER_ROLES, STAFF_ROLES
from core.exceptions import InvalidStateError, NotFoundError
from core.money import yuan
from ledger.models import Transfer
from marketplace import selectors as marketplace_selectors
from marketplace.models import Order
from programmes.models import Programme
from providers.models import Accreditation
from settlement.models import (
    Clawback,
    Payout,
    PayoutBatch,
    PayoutPart,
    ReconciliationException,
)
from vouchers.models import Voucher


def programme_report(*, programme: Programme) -> dict[str, Any]:
    """The programme's figures per pool and per provider, all computed from the ledger.

    Per pool: budget (funding transfers), available (the pool account), committed (budget
    less available), held and captured (the vouchers' accounts: pending debits, and posted
    debits less what was returned to the pool), sent and paid (payout transfers, less the
    payouts the bank returned), and clawed back (clawback transfers into the pool).
    """
    transfers = Transfer.objects.filter(ledger=programme.code)
    pools = list(programme.pools.select_related("account").order_by("category"))
    voucher_rows = {
        row["category"]: row
        for row in Voucher.objects.filter(programme=programme)
        .values("category")
        .annotate(
            held=Coalesce(Sum("account__debits_pending"), 0),
            posted=Coalesce(Sum("account__debits_posted"), 0),
            returned=Coalesce(Sum("returned_fen"), 0),
        )
    }

    def by_category(kind: str) -> dict[str, int]:
        rows = (
            transfers.filter(kind=kind, phase__in=["single", "post"])
            .values("metadata__category")
            .annotate(total=Coalesce(Sum("amount"), 0))
        )
        return {row["metadata__category"]: row["total"] for row in rows}

    funded = dict(
        transfers.filter(kind="pool_funding")
        .values("credit_account_id")
        .annotate(total=Sum("amount"))
        .values_list("credit_account_id", "total")
    )
    sent, paid, returned_payouts = (
        by_category("payout_send"),
        by_category("payout_paid"),
        by_category("payout_return"),
    )
    clawed_back = dict(
        transfers.filter(kind="clawback")
        .values("credit_account_id")
        .annotate(total=Sum("amount"))
        .values_list("credit_account_id", "total")
    )
    pool_rows = []
    for pool in pools:
        account = pool.account
        available = account.available
        budget = funded.get(account.pk, 0)
        vouchers = voucher_rows.get(pool.category, {"held": 0, "posted": 0, "returned": 0})
        pool_rows.append(
            {
                "category": pool.category,
                "budget_fen": budget,
                "committed_fen": budget - available,
                "held_fen": vouchers["held"],
                "captured_fen": vouchers["posted"] - vouchers["returned"],
                "sent_fen": sent.get(pool.category, 0) - returned_payouts.get(pool.category, 0),
                "paid_fen": paid.get(pool.category, 0) - returned_payouts.get(pool.category, 0),
                "clawed_back_fen": clawed_back.get(account.pk, 0),
                "available_fen": available,
            }
        )

    accreditations = Accreditation.objects.filter(programme=programme).select_related("provider")
    provider_of_account = {a.payable_account_id: a.provider for a in accreditations}
    captured_by_provider: dict[str, int] = {}
    for account_id, total in (
        transfers.filter(kind="subsidy_hold", phase="post")
        .values("credit_account_id")
        .annotate(total=Sum("amount"))
        .values_list("credit_account_id", "total")
    ):
        provider_id = str(provider_of_account[account_id].pk)
        captured_by_provider[provider_id] = captured_by_provider.get(provider_id, 0) + total
    paid_by_provider: dict[str, int] = {}
    for kind, sign in (("payout_paid", 1), ("payout_return", -1)):
        for row in (
            transfers.filter(kind=kind).values("metadata__provider").annotate(total=Sum("amount"))
        ):
            provider_id = row["metadata__provider"]
            paid_by_provider[provider_id] = (
                paid_by_provider.get(provider_id, 0) + sign * row["total"]
            )
    unique_providers = {provider.pk: provider for provider in provider_of_account.values()}
    providers = [
        {
            "provider": str(provider.pk),
            "name": provider.name,
            "captured_fen": captured_by_provider.get(str(provider.pk), 0),
            "paid_fen": paid_by_provider.get(str(provider.pk), 0),
        }
        for provider in sorted(unique_providers.values(), key=lambda p: (p.name, str(p.pk)))
    ]
    return {"programme": programme.code, "pools": pool_rows, "providers": providers}


def payout_batches() -> QuerySet[PayoutBatch]:
    return PayoutBatch.objects.select_related("programme").prefetch_related("payouts")


def payout_batch_get(batch_id: Any) -> PayoutBatch:
    batch = payout_batches().filter(pk=batch_id).first()
    if batch is None:
        raise NotFoundError("No such payout batch.")
    return batch


def payout_rows_for_bank_file(batch: PayoutBatch) -> list[list[Any]]:
    """The bank payment file (API.md 6): one row per payout sent in this batch."""
    if batch.status not in (PayoutBatch.Status.APPROVED, PayoutBatch.Status.CLOSED):
        raise InvalidStateError("The bank file exists once the batch is approved.")
    rows: list[list[Any]] = [
        ["reference", "provider", "account_name", "account_number", "bank_name", "amount"]
    ]
    for payout in (
        batch.payouts.exclude(status=Payout.Status.HELD)
        .select_related("provider")
        .order_by("reference")
    ):
        rows.append(
            [
                payout.reference,
                payout.provider.name,
                payout.account_name,
                payout.account_number,
                payout.bank_name,
                yuan(payout.amount_fen),
            ]
        )
    return rows


def reconciliation_exceptions() -> QuerySet[ReconciliationException]:
    return ReconciliationException.objects.select_related("line")


def reconciliation_exception_get(exception_id: Any) -> ReconciliationException:
    exception = reconciliation_exceptions().filter(pk=exception_id).first()
    if exception is None:
        raise NotFoundError("No such exception.")
    return exception


def clawbacks() -> QuerySet[Clawback]:
    return Clawback.objects.all()


# --- a provider's own payouts (the partner portal) ------------------------------------------


def payouts_for(*, user: User) -> QuerySet[Payout]:
    """Staff see every payout; a provider its own; anyone else none."""
    queryset = Payout.objects.select_related("batch", "batch__programme")
    if user.roles & STAFF_ROLES:
        return queryset
    if user.roles & PROVIDER_ROLES and user.organisation_id:
        return queryset.filter(provider_id=user.organisation_id)
    return queryset.none()


def payout_orders(*, payout: Payout) -> QuerySet[Order]:
    """The orders whose captured subsidy a payout pays, in three queries whatever their number.

    A payout part claims what its category's payable owed at the batch's cut-off that no
    earlier batch claimed; so it pays the captures posted on that payable after the cut-off
    of the provider's previous part in the category, up to this batch's cut-off. The capture's
    time is its ledger transfer's (the post of the order's hold), the time the batch's sum
    counts. Clawbacks and returned payments move the amount, not the orders: the difference
    between the payout and its orders' captured subsidy is theirs."""
    batch = payout.batch
    categories = list(payout.parts.values_list("category", flat=True))
    if not categories:  # a held payout claims nothing
        return Order.objects.none()
    previous_cutoffs = dict(
        PayoutPart.objects.filter(
            payout__provider_id=payout.provider_id,
            payout__batch__programme_id=batch.programme_id,
            payout__batch__cutoff_at__lt=batch.cutoff_at,
            category__in=categories,
        )
        .values("category")
        .annotate(last=Max("payout__batch__cutoff_at"))
        .values_list("category", "last")
    )
    window = Q()
    for category in categories:
        in_category = Q(category=category, captured_at__lte=batch.cutoff_at)
        if category in previous_cutoffs:
            in_category &= Q(captured_at__gt=previous_cutoffs[category])
        window |= in_category
    captured_at = Subquery(
        Transfer.objects.filter(
            pending_id=OuterRef("hold_transfer_id"), phase=Transfer.Phase.POST
        ).values("created_at")[:1]
    )
    return (
        Order.objects.filter(
            provider_id=payout.provider_id,
            programme_id=batch.programme_id,
            captured_subsidy_fen__gt=0,
        )
        .annotate(captured_at=captured_at)
        .filter(window)
        .select_related("offering", "firm")
        .order_by("captured_at", "id")
    )


def _month_starts(now: dt.datetime, months: int) -> list[dt.date]:
    year, month = now.year, now.month
    starts = []
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def provider_dashboard(*, user: User, months: int = 12) -> dict[str, Any]:
    """A provider's home in figures, in five aggregate queries: its orders waiting on it by
    status, and its subsidy by stage: held on open orders, captured and not yet in a payout,
    in a payout batch (pending), sent and paid; and per month, for the last `months` months
    (Beijing time), the subsidy captured (by the month its order completed) and paid (by the
    month its payout was paid)."""
    now = timezone.localtime()
    month_starts = _month_starts(now, months)
    since = dt.datetime.combine(month_starts[0], dt.time(), tzinfo=now.tzinfo)
    orders = marketplace_selectors.provider_order_figures(user=user, months_from=since)
    payouts = payouts_for(user=user)
    if user.roles & STAFF_ROLES:
        payouts = payouts.none()  # a provider's page: staff have no provider of their own
    by_status = payouts.aggregate(
        **{
            f"{status}_fen": Coalesce(Sum("amount_fen", filter=Q(status=status)), 0)
            for status in (Payout.Status.PENDING, Payout.Status.SENT, Payout.Status.PAID)
        }
    )
    clawed_back = Clawback.objects.filter(provider_id=user.organisation_id).aggregate(
        total=Coalesce(Sum("amount_fen"), 0)
    )["total"]
    paid_by_month = dict(
        payouts.filter(status=Payout.Status.PAID, paid_at__gte=since)
        .annotate(month=TruncMonth("paid_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(total=Coalesce(Sum("amount_fen"), 0))
        .values_list("month", "total")
    )
    captured_by_month = {
        (month.year, month.month): total for month, total in orders.pop("captured_by_month").items()
    }
    paid = {(month.year, month.month): total for month, total in paid_by_month.items()}
    claimed = by_status["pending_fen"] + by_status["sent_fen"] + by_status["paid_fen"]
    return {
        "to_accept": orders["pending_provider"],
        "to_deliver": orders["accepted"],
        "awaiting_confirmation": orders["awaiting_confirmation"],
        "disputed": orders["disputed"],
        "held_fen": orders["held_fen"],
        # What the payables still owe: captured, less clawbacks, less what payouts claimed
        # (held payouts claim nothing; a returned one's money is owed again).
        "unsettled_fen": orders["captured_fen"] - clawed_back - claimed,
        "in_batch_fen": by_status["pending_fen"],
        "sent_fen": by_status["sent_fen"],
        "paid_fen": by_status["paid_fen"],
        "months": [
            {
                "month": start,
                "captured_fen": captured_by_month.get((start.year, start.month), 0),
                "paid_fen": paid.get((start.year, start.month), 0),
            }
            for start in month_starts
        ],
    }
