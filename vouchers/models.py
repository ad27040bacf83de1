"""Voucher applications, vouchers and the firms' yearly caps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.models import BaseModel
from core.money import Category


class VoucherApplication(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    firm = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="voucher_applications"
    )
    category = models.CharField(max_length=10, choices=Category.choices)
    requested_fen = models.BigIntegerField()
    justification = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    approved_fen = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_fen__gt=0), name="voucher_application_requested_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(approved_fen__isnull=True)
                | Q(approved_fen__gt=0, approved_fen__lte=F("requested_fen")),
                name="voucher_application_approved_within_request",
            ),
        ]

    def __str__(self) -> str:
        return f"application {self.id} ({self.status})"


class Voucher(BaseModel):
    """A committed subsidy for one firm in one category, held in the ledger account
    `voucher:<id>`. Its balances (available, held, used) come from that account."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        EXPIRED = "expired"
        REVOKED = "revoked"

    code = models.CharField(max_length=20, unique=True)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="vouchers"
    )
    pool = models.ForeignKey(
        "programmes.BudgetPool", on_delete=models.PROTECT, related_name="vouchers"
    )
    firm = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="vouchers"
    )
    application = models.OneToOneField(
        VoucherApplication, on_delete=models.PROTECT, related_name="voucher"
    )
    category = models.CharField(max_length=10, choices=Category.choices)
    face_value_fen = models.BigIntegerField()
    rate_bps = models.PositiveIntegerField()
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Free balance swept back to the pool on expiry or revocation (and later releases).
    returned_fen = models.BigIntegerField(default=0)
    reason = models.TextField(blank=True, default="")
    account = models.OneToOneField("ledger.Account", on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["firm", "category"]),
            models.Index(fields=["status", "valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(face_value_fen__gt=0), name="voucher_face_value_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(returned_fen__gte=0, returned_fen__lte=F("face_value_fen")),
                name="voucher_returned_within_face_value",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class FirmCapUsage(models.Model):
    """What a firm has held or captured in one category and calendar year, against its cap.

    One row per firm, programme, category and year: the only row an order writes besides its
    voucher, so firms never contend with each other (DESIGN.md 3, "Hot rows").
    """

    id = models.BigAutoField(primary_key=True)
    firm = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=10, choices=Category.choices)
    year = models.PositiveIntegerField()
    cap_fen = models.BigIntegerField()
    used_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "programme", "category", "year"], name="firm_cap_unique_year"
            ),
            models.CheckConstraint(
                condition=Q(used_fen__gte=0, used_fen__lte=F("cap_fen")),
                name="firm_cap_used_within_cap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm_id} {self.category} {self.year}: {self.used_fen}/{self.cap_fen}"
