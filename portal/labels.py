"""Translated names of the values the pages show (roles, organisation kinds)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.roles import Role

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
