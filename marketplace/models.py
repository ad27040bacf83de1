"""The catalogue (offerings with dated prices), orders and delivery reports."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.models import BaseModel
from core.money import Category


class Unit(models.TextChoices):
    GPU_HOUR = "gpu_hour"
    MILLION_TOKENS = "million_tokens"
    DATASET = "dataset"


# Decimal places a quantity may have, per unit (DESIGN.md 2: GPU-hours to 0.001, tokens whole).
UNIT_SCALE = {Unit.GPU_HOUR: 3, Unit.MILLION_TOKENS: 6, Unit.DATASET: 0}
QUANTITY_MAX = Decimal("1000000000")


class Offering(BaseModel):
    class Status(models.TextChoices):
        ACTIVE = "active"
        ARCHIVED = "archived"

    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="offerings"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=10, choices=Category.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    unit = models.CharField(max_length=20, choices=Unit.choices)
    unit_price_fen = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["programme", "category", "status"]),
            models.Index(fields=["provider", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price_fen__gt=0), name="offering_price_gt_0"),
        ]

    def __str__(self) -> str:
        return self.name


class OfferingPrice(models.Model):
    """The dated price history of an offering: one row per price, from when it was in force."""

    id = models.BigAutoField(primary_key=True)
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="prices")
    unit_price_fen = models.BigIntegerField()
    effective_from = models.DateTimeField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-effective_from", "-id"]
        indexes = [models.Index(fields=["offering", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.offering_id} {self.unit_price_fen} from {self.effective_from}"


class Order(BaseModel):
    class Status(models.TextChoices):
        PENDING_PROVIDER = "pending_provider"
        ACCEPTED = "accepted"
        REJECTED = "rejected"
        CANCELLED = "cancelled"
        EXPIRED = "expired"
        AWAITING_CONFIRMATION = "awaiting_confirmation"
        DISPUTED = "disputed"
        COMPLETED = "completed"
        VOIDED = "voided"

    OPEN_STATUSES = (
        Status.PENDING_PROVIDER,
        Status.ACCEPTED,
        Status.AWAITING_CONFIRMATION,
        Status.DISPUTED,
    )

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="orders")
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="provider_orders"
    )
    firm = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="firm_orders"
    )
    voucher = models.ForeignKey(
        "vouchers.Voucher", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    category = models.CharField(max_length=10, choices=Category.choices)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    quantity = models.DecimalField(max_digits=20, decimal_places=6)
    unit_price_fen = models.BigIntegerField()
    gross_fen = models.BigIntegerField()
    subsidy_fen = models.BigIntegerField()
    firm_pays_fen = models.BigIntegerField()
    captured_subsidy_fen = models.BigIntegerField(null=True, blank=True)
    delivered_quantity = models.DecimalField(max_digits=20, decimal_places=6, default=Decimal(0))
    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.PENDING_PROVIDER
    )
    # The ledger transfer holding the subsidy on the voucher, and the calendar year whose cap
    # counts it (both fixed when the order is placed).
    hold_transfer_id = models.UUIDField(null=True, blank=True, unique=True)
    cap_year = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["firm", "created_at"]),
            models.Index(fields=["provider", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "completed_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(subsidy_fen__gte=0, subsidy_fen__lte=F("gross_fen")),
                name="order_subsidy_within_gross",
            ),
            models.CheckConstraint(
                condition=Q(firm_pays_fen=F("gross_fen") - F("subsidy_fen")),
                name="order_firm_pays_gross_less_subsidy",
            ),
            models.CheckConstraint(
                condition=Q(delivered_quantity__gte=0, delivered_quantity__lte=F("quantity")),
                name="order_delivered_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(captured_subsidy_fen__isnull=True)
                | Q(captured_subsidy_fen__gte=0, captured_subsidy_fen__lte=F("subsidy_fen")),
                name="order_captured_within_subsidy",
            ),
        ]

    def __str__(self) -> str:
        return f"order {self.id} ({self.status})"


class Delivery(BaseModel):
    """What the provider reports it delivered, with the fapiao number for the firm's share.

    A fapiao justifies one delivery (DESIGN.md 6): its number is unique per provider, across
    all of the provider's orders. The provider is the order's, copied here for that
    constraint."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="deliveries")
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(max_digits=20, decimal_places=6)
    invoice_number = models.CharField(max_length=64)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="delivery_quantity_gt_0"),
            models.UniqueConstraint(
                fields=["provider", "invoice_number"], name="delivery_invoice_unique_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"delivery {self.quantity} for {self.order_id}"
