from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from accounts.models import Organisation, User
from accounts.roles import PROVIDER_ROLES, STAFF_ROLES
from providers.models import Accreditation, AccreditationRequest, BankAccount


def accreditation_requests_for(*, user: User) -> QuerySet[AccreditationRequest]:
    queryset = AccreditationRequest.objects.select_related("programme", "provider")
    if user.roles & STAFF_ROLES:
        return queryset
    if user.roles & PROVIDER_ROLES and user.organisation_id:
        return queryset.filter(provider_id=user.organisation_id)
    return queryset.none()


def providers_for(*, user: User) -> QuerySet[Organisation]:
    """Accredited providers for everyone; staff also see providers with no accreditation
    left, and a provider always sees itself."""
    accreditations = Accreditation.objects.select_related("programme").order_by(
        "programme__code", "category"
    )
    queryset = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).prefetch_related(
        Prefetch("accreditations", queryset=accreditations)
    )
    if user.roles & STAFF_ROLES:
        return queryset.select_related("bank_account")
    has_active = Exists(
        Accreditation.objects.filter(provider=OuterRef("pk"), status=Accreditation.Status.ACTIVE)
    )
    own = user.organisation_id
    return (
        queryset.filter(has_active) | queryset.filter(pk=own)
        if own
        else queryset.filter(has_active)
    )


def accreditations_for(*, user: User) -> QuerySet[Accreditation]:
    queryset = Accreditation.objects.select_related("programme", "provider")
    if user.roles & STAFF_ROLES:
        return queryset
    if user.roles & PROVIDER_ROLES and user.organisation_id:
        return queryset.filter(provider_id=user.organisation_id)
    return queryset.none()


def bank_account_for(*, user: User) -> BankAccount | None:
    """The caller's provider's bank account, if one is set (a provider's roles only)."""
    if not (user.roles & PROVIDER_ROLES and user.organisation_id):
        return None
    return BankAccount.objects.filter(provider_id=user.organisation_id).first()
