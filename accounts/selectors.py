from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Affiliation, Membership, Organisation, User


def members_of(*, user: User) -> QuerySet[Membership]:
    """The memberships of the caller's organisation; empty for staff."""
    if user.organisation_id is None:
        return Membership.objects.none()
    return Membership.objects.filter(organisation_id=user.organisation_id).select_related("user")


def affiliations_of(*, user: User) -> QuerySet[Affiliation]:
    if user.organisation_id is None:
        return Affiliation.objects.none()
    return Affiliation.objects.filter(organisation_id=user.organisation_id)


def organisations_related(*, first: Organisation, second: Organisation) -> bool:
    """Related parties: same credit code, same legal representative, or a declared affiliation
    in either direction."""
    if first.credit_code == second.credit_code:
        return True
    if first.legal_representative.strip() and (
        first.legal_representative.strip() == second.legal_representative.strip()
    ):
        return True
    return (
        Affiliation.objects.filter(organisation=first, credit_code=second.credit_code).exists()
        or Affiliation.objects.filter(organisation=second, credit_code=first.credit_code).exists()
    )
