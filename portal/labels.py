"""Translated names of the values the pages show (roles, organisation kinds, categories,
units, statuses, relations)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Affiliation, Organisation
from accounts.roles import Role
from core.money import Category
from marketplace.models import Offering, Order, Unit
from providers.models import Accreditation, AccreditationRequest
from settlement.models import Payout
from vouchers.models import Voucher, VoucherApplication

ROLE_LABELS: dict[str, Promise] = {
    Role.FIRM_ADMIN: _("Firm administrator"),
    Role.FIRM_MEMBER: _("Firm member"),
    Role.PROVIDER_ADMIN: _("Provider administrator"),
    Role.PROVIDER_MEMBER: _("Provider member"),
    Role.PROGRAMME_OFFICER: _("Programme officer"),
    Role.FINANCE_OFFICER: _("Finance officer"),
    Role.AUDITOR: _("Auditor"),
}
KIND_LABELS: dict[str, Promise] = {
    Organisation.Kind.FIRM: _("Firm (buys AI services with vouchers)"),
    Organisation.Kind.PROVIDER: _("Provider (sells compute, model APIs or data)"),
}


def role_label(role: str) -> str:
    label = ROLE_LABELS.get(role)
    return str(label) if label is not None else role


# --- the marketplace and settlement's values ---------------------------------------------------
CATEGORY_LABELS: dict[str, Promise] = {
    Category.COMPUTE: _("Compute"),
    Category.MODEL: _("Model APIs"),
    Category.DATA: _("Data sets"),
}
UNIT_LABELS: dict[str, Promise] = {
    Unit.GPU_HOUR: _("GPU-hour"),
    Unit.MILLION_TOKENS: _("million tokens"),
    Unit.DATASET: _("data set"),
}
OFFERING_STATUS_LABELS: dict[str, Promise] = {
    Offering.Status.ACTIVE: _("Listed"),
    Offering.Status.ARCHIVED: _("Archived"),
}
ORDER_STATUS_LABELS: dict[str, Promise] = {
    Order.Status.PENDING_PROVIDER: _("Waiting for the provider"),
    Order.Status.ACCEPTED: _("Accepted"),
    Order.Status.REJECTED: _("Rejected"),
    Order.Status.CANCELLED: _("Cancelled"),
    Order.Status.EXPIRED: _("Expired"),
    Order.Status.AWAITING_CONFIRMATION: _("Delivered, awaiting confirmation"),
    Order.Status.DISPUTED: _("Disputed"),
    Order.Status.COMPLETED: _("Completed"),
    Order.Status.VOIDED: _("Voided"),
}
PAYOUT_STATUS_LABELS: dict[str, Promise] = {
    Payout.Status.PENDING: _("In a batch"),
    Payout.Status.SENT: _("Sent"),
    Payout.Status.PAID: _("Paid"),
    Payout.Status.RETURNED: _("Returned by the bank"),
    Payout.Status.HELD: _("Held"),
}
REQUEST_STATUS_LABELS: dict[str, Promise] = {
    AccreditationRequest.Status.PENDING: _("Under review"),
    AccreditationRequest.Status.APPROVED: _("Approved"),
    AccreditationRequest.Status.REJECTED: _("Rejected"),
}
ACCREDITATION_STATUS_LABELS: dict[str, Promise] = {
    Accreditation.Status.ACTIVE: _("Accredited"),
    Accreditation.Status.SUSPENDED: _("Suspended"),
}
APPLICATION_STATUS_LABELS: dict[str, Promise] = {
    VoucherApplication.Status.PENDING: _("Under review"),
    VoucherApplication.Status.APPROVED: _("Approved"),
    VoucherApplication.Status.REJECTED: _("Rejected"),
}
# A voucher's shown status (`vouchers.selectors.voucher_figures`): `exhausted` is an active
# voucher with nothing free.
VOUCHER_STATUS_LABELS: dict[str, Promise] = {
    Voucher.Status.ACTIVE: _("Active"),
    "exhausted": _("Used up"),
    Voucher.Status.EXPIRED: _("Expired"),
    Voucher.Status.REVOKED: _("Revoked"),
}
RELATION_LABELS: dict[str, Promise] = {
    Affiliation.Relation.SHAREHOLDER: _("Shareholder"),
    Affiliation.Relation.SUBSIDIARY: _("Subsidiary"),
    Affiliation.Relation.PARENT: _("Parent company"),
    Affiliation.Relation.SAME_GROUP: _("Same group"),
    Affiliation.Relation.OTHER: _("Other relation"),
}
VALUE_LABELS: dict[str, dict[str, Promise]] = {
    "category": CATEGORY_LABELS,
    "unit": UNIT_LABELS,
    "offering_status": OFFERING_STATUS_LABELS,
    "order_status": ORDER_STATUS_LABELS,
    "payout_status": PAYOUT_STATUS_LABELS,
    "request_status": REQUEST_STATUS_LABELS,
    "accreditation_status": ACCREDITATION_STATUS_LABELS,
    "application_status": APPLICATION_STATUS_LABELS,
    "voucher_status": VOUCHER_STATUS_LABELS,
    "relation": RELATION_LABELS,
}


def value_label(kind: str, value: str) -> str:
    """The translated name of a stored value (`kind` is a key of `VALUE_LABELS`)."""
    label = VALUE_LABELS[kind].get(value)
    return str(label) if label is not None else value


def choices(kind: str) -> list[tuple[str, str | Promise]]:
    return list(VALUE_LABELS[kind].items())
