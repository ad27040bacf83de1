"""Payout batches, payouts, bank statements, reconciliation exceptions and clawbacks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel
from core.money import Category


class PayoutBatch(BaseModel):
    class Status(models.TextChoices):
        PREPARING = "preparing"
        DRAFT = "draft"
        SUBMITTED = "submitted"
        APPROVED = "approved"
        CLOSED = "closed"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    cutoff_at = models.DateTimeField()
    total_fen = models.BigIntegerField(default=0)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["programme", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(total_fen__gte=0), name="batch_total_gte_0"),
        ]

    def __str__(self) -> str:
        return f"batch {self.id} ({self.status})"


class Payout(BaseModel):
    """One provider's net reimbursement in a batch. `held` payouts are kept out of the batch
    (no bank account) and claim nothing: their money stays payable for the next batch."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        PAID = "paid"
        RETURNED = "returned"
        HELD = "held"

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="payouts")
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    amount_fen = models.BigIntegerField()
    reference = models.CharField(max_length=32, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    held_reason = models.CharField(max_length=200, blank=True, default="")
    account_name = models.CharField(max_length=200, blank=True, default="")
    account_number = models.CharField(max_length=34, blank=True, default="")
    bank_name = models.CharField(max_length=200, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "provider"], name="payout_one_per_provider"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payout_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return self.reference


class PayoutPart(models.Model):
    """The share of a payout drawn from one category's payable: what that payable owed at the
    cut-off, net of the category's clawbacks (always positive; a category in debt carries it
    over and is not part of the payout)."""

    id = models.BigAutoField(primary_key=True)
    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="parts")
    category = models.CharField(max_length=10, choices=Category.choices)
    amount_fen = models.BigIntegerField()
    payable_account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="+"
    )
    claim_transfer_id = models.UUIDField(unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payout", "category"], name="payout_part_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.payout_id} {self.category} {self.amount_fen}"


class BankStatement(BaseModel):
    file_sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=255, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lines = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    exceptions = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"statement {self.id}"


class StatementLine(models.Model):
    class Outcome(models.TextChoices):
        PAID = "paid"
        RETURNED = "returned"
        EXCEPTION = "exception"

    id = models.BigAutoField(primary_key=True)
    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="+")
    line_number = models.PositiveIntegerField()
    value_date = models.DateField()
    reference = models.CharField(max_length=64)
    amount_fen = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    counterparty_account = models.CharField(max_length=64, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    # The line's content digest. A line seen before, in this file or an earlier one, is a
    # duplicate: it is recorded, but it never moves a payout twice.
    fingerprint = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    payout = models.ForeignKey(
        Payout, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["statement", "line_number"])]

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.line_number}"


class ReconciliationException(BaseModel):
    class Kind(models.TextChoices):
        UNKNOWN_REFERENCE = "unknown_reference"
        AMOUNT_MISMATCH = "amount_mismatch"
        DUPLICATE_LINE = "duplicate_line"
        PAYOUT_NOT_SENT = "payout_not_sent"
        PAYOUT_NOT_PAID = "payout_not_paid"
        ALREADY_SETTLED = "already_settled"
        CURRENCY_MISMATCH = "currency_mismatch"

    class Status(models.TextChoices):
        OPEN = "open"
        RESOLVED = "resolved"

    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="+")
    line = models.OneToOneField(StatementLine, on_delete=models.PROTECT, related_name="exception")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True, default="")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"


class Clawback(BaseModel):
    """A captured subsidy found ineligible: it returns to the pool, and the provider's next
    payouts are reduced by it."""

    order = models.OneToOneField(
        "marketplace.Order", on_delete=models.PROTECT, related_name="clawback"
    )
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=10, choices=Category.choices)
    amount_fen = models.BigIntegerField()
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    transfer_id = models.UUIDField(unique=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="clawback_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"clawback {self.amount_fen} on {self.order_id}"
