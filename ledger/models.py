"""A double-entry ledger with TigerBeetle's two-phase transfer semantics, in PostgreSQL.

It knows nothing of programmes, vouchers or orders: accounts live in a named `ledger`
(callers use one ledger per programme) and are identified there by a `code`.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone


class Account(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ledger = models.CharField(max_length=64)
    code = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, default="CNY")
    debits_pending = models.BigIntegerField(default=0)
    debits_posted = models.BigIntegerField(default=0)
    credits_pending = models.BigIntegerField(default=0)
    credits_posted = models.BigIntegerField(default=0)
    debits_must_not_exceed_credits = models.BooleanField(default=False)
    credits_must_not_exceed_debits = models.BooleanField(default=False)
    # An account written by many concurrent transfers (a provider's payable) does not keep
    # cached counters: that row would serialise every order. Its balance is summed from its
    # entries when needed (DESIGN.md 3, "Hot rows").
    is_balance_cached = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ledger", "code"], name="ledger_account_unique_code"),
            models.CheckConstraint(
                condition=Q(debits_pending__gte=0)
                & Q(debits_posted__gte=0)
                & Q(credits_pending__gte=0)
                & Q(credits_posted__gte=0),
                name="ledger_account_counters_non_negative",
            ),
            # Written as differences, never sums: with every counter in [0, 2**63 - 1] a
            # difference cannot overflow a bigint, so the check itself never raises.
            models.CheckConstraint(
                condition=Q(debits_must_not_exceed_credits=False)
                | Q(
                    GreaterThanOrEqual(
                        F("credits_posted") - F("debits_posted"), F("debits_pending")
                    )
                ),
                name="ledger_account_debits_must_not_exceed_credits",
            ),
            models.CheckConstraint(
                condition=Q(credits_must_not_exceed_debits=False)
                | Q(
                    GreaterThanOrEqual(
                        F("debits_posted") - F("credits_posted"), F("credits_pending")
                    )
                ),
                name="ledger_account_credits_must_not_exceed_debits",
            ),
            models.CheckConstraint(
                condition=Q(is_balance_cached=True)
                | (
                    Q(debits_must_not_exceed_credits=False)
                    & Q(credits_must_not_exceed_debits=False)
                ),
                name="ledger_account_limits_need_cached_balance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ledger}/{self.code}"

    @property
    def available(self) -> int:
        """What a credit-normal account can still be debited, from its cached counters:
        posted credits less posted and pending debits (as `ledger.services.Balance`)."""
        return self.credits_posted - self.debits_posted - self.debits_pending


class Transfer(models.Model):
    """An immutable movement of `amount` from `debit_account` to `credit_account`.

    Phases: `single` (posted at once), `pending` (reserved), and `post` or `void`, which
    resolve a pending transfer. A resolution is a new transfer pointing at the pending one;
    the unique `pending` column makes "posted or voided at most once" a database fact.
    """

    class Phase(models.TextChoices):
        SINGLE = "single"
        PENDING = "pending"
        POST = "post"
        VOID = "void"

    id = models.UUIDField(primary_key=True, editable=False)
    ledger = models.CharField(max_length=64)
    currency = models.CharField(max_length=3)
    debit_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    credit_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()
    kind = models.CharField(max_length=50)
    phase = models.CharField(max_length=10, choices=Phase.choices)
    pending = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="resolution"
    )
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["ledger", "kind"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="ledger_transfer_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(phase__in=["single", "pending"], pending__isnull=True, amount__gt=0)
                | Q(phase__in=["post", "void"], pending__isnull=False),
                name="ledger_transfer_phase_matches_pending",
            ),
            models.CheckConstraint(
                condition=~Q(debit_account=F("credit_account")),
                name="ledger_transfer_accounts_differ",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.phase}"


class Entry(models.Model):
    """One side of a transfer's effect on one account's counters."""

    class Side(models.TextChoices):
        DEBIT = "debit"
        CREDIT = "credit"

    id = models.BigAutoField(primary_key=True)
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    ledger = models.CharField(max_length=64)
    side = models.CharField(max_length=6, choices=Side.choices)
    pending_delta = models.BigIntegerField()
    posted_delta = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["ledger"])]

    def __str__(self) -> str:
        return f"{self.side} {self.account_id} {self.pending_delta}/{self.posted_delta}"
