"""Providers: accreditation per programme and category, and the bank account payouts go to.

A provider is an `accounts.Organisation` of kind `provider`; its id is the provider id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import BaseModel
from core.money import Category


class AccreditationRequest(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"

    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="accreditation_requests"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    categories = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"accreditation request {self.id} ({self.status})"


class Accreditation(BaseModel):
    """A provider's standing in one programme category. Offerings need an active one."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        SUSPENDED = "suspended"

    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="accreditations"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=10, choices=Category.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    request = models.ForeignKey(
        AccreditationRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True, default="")
    # The provider's payable in this programme's ledger, `provider:<id>:payable`, where the
    # subsidy it is owed accrues. Kept here so an order finds it with the accreditation.
    payable_account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "programme", "category"], name="accreditation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.programme_id} {self.category} ({self.status})"


class BankAccount(BaseModel):
    provider = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="bank_account"
    )
    account_name = models.CharField(max_length=200)
    account_number = models.CharField(max_length=34)
    bank_name = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def account_number_masked(self) -> str:
        return "****" + self.account_number[-4:]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.account_number_masked}"
