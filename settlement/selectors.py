"""Reads for settlement: batches and their bank file, exceptions, clawbacks, and the programme
report (from the ledger). Staff read them all (the API's permissions say who is staff)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from core.exceptions import InvalidStateError, NotFoundError
from core.money import yuan
from ledger.models import Transfer
from programmes.models import Programme
from providers.models import Accreditation
from settlement.models import Clawback, Payout, PayoutBatch, ReconciliationException
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
