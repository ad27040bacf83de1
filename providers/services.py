"""Accreditation of providers per programme and category, and their bank accounts."""

from __future__ import annotations

import structlog
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from core.audit import audit_record
from core.exceptions import InvalidStateError, PermissionDeniedError, ValidationError
from ledger import services as ledger
from ledger.models import Account
from programmes.models import BudgetPool, Programme
from providers.models import Accreditation, AccreditationRequest, BankAccount

log = structlog.get_logger(__name__)


def _provider_admin_organisation(actor: User) -> Organisation:
    organisation = actor.organisation
    if (
        organisation is None
        or organisation.kind != Organisation.Kind.PROVIDER
        or not actor.has_role(Role.PROVIDER_ADMIN)
    ):
        raise PermissionDeniedError("Only a provider admin may do this.")
    return organisation


def payable_account_of(*, provider: Organisation, programme: Programme, category: str) -> Account:
    """The provider's payable for one category in the programme's ledger,
    `provider:<id>:payable:<category>`. One per category, so that what is sent and paid can be
    reported per pool. It keeps no cached balance: many orders credit it at once, so it must
    not be a hot row (DESIGN.md 3); its balance is summed from its entries at settlement."""
    return ledger.account_open(
        ledger=programme.code,
        code=f"provider:{provider.pk}:payable:{category}",
        currency=programme.currency,
        is_balance_cached=False,
    )


def accreditation_request_submit(
    *, actor: User, programme: Programme, categories: list[str]
) -> AccreditationRequest:
    """A provider admin asks to be accredited in some of a programme's categories."""
    provider = _provider_admin_organisation(actor)
    offered = set(BudgetPool.objects.filter(programme=programme).values_list("category", flat=True))
    unknown = sorted(set(categories) - offered)
    if unknown:
        raise ValidationError(
            f"Programme {programme.code} has no {', '.join(unknown)} pool.",
            fields={"categories": [f"Not in {programme.code}: {', '.join(unknown)}."]},
        )
    with transaction.atomic():
        request = AccreditationRequest.objects.create(
            provider=provider,
            programme=programme,
            categories=sorted(set(categories)),
            requested_by=actor,
        )
        audit_record(
            actor=actor,
            action="accreditation_request.submitted",
            target=request,
            after={"programme": programme.code, "categories": request.categories},
        )
    return request


def accreditation_request_approve(
    *, request: AccreditationRequest, actor: User
) -> AccreditationRequest:
    """A programme officer approves: the provider is accredited (again) in each category."""
    with transaction.atomic():
        request = (
            AccreditationRequest.objects.select_for_update()
            .select_related("programme", "provider")
            .get(pk=request.pk)
        )
        if request.status != AccreditationRequest.Status.PENDING:
            raise InvalidStateError(f"The request is already {request.status}.")
        for category in request.categories:
            payable = payable_account_of(
                provider=request.provider, programme=request.programme, category=category
            )
            Accreditation.objects.update_or_create(
                provider=request.provider,
                programme=request.programme,
                category=category,
                defaults={
                    "status": Accreditation.Status.ACTIVE,
                    "request": request,
                    "reason": "",
                    "payable_account": payable,
                },
            )
        request.status = AccreditationRequest.Status.APPROVED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="accreditation_request.approved",
            target=request,
            before={"status": "pending"},
            after={"status": "approved", "categories": request.categories},
        )
    log.info("accreditation.approved", provider=str(request.provider_id))
    return request


def accreditation_request_reject(
    *, request: AccreditationRequest, reason: str, actor: User
) -> AccreditationRequest:
    with transaction.atomic():
        request = AccreditationRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != AccreditationRequest.Status.PENDING:
            raise InvalidStateError(f"The request is already {request.status}.")
        request.status = AccreditationRequest.Status.REJECTED
        request.reason = reason
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="accreditation_request.rejected",
            target=request,
            before={"status": "pending"},
            after={"status": "rejected", "reason": reason},
        )
    return request


def bank_account_set(
    *, actor: User, account_name: str, account_number: str, bank_name: str
) -> BankAccount:
    """A provider admin sets the account its payouts go to. The audit log keeps only the
    masked number."""
    provider = _provider_admin_organisation(actor)
    with transaction.atomic():
        existing = BankAccount.objects.select_for_update().filter(provider=provider).first()
        before = (
            {
                "account_name": existing.account_name,
                "account_number_masked": existing.account_number_masked,
                "bank_name": existing.bank_name,
            }
            if existing
            else None
        )
        account, _ = BankAccount.objects.update_or_create(
            provider=provider,
            defaults={
                "account_name": account_name,
                "account_number": account_number,
                "bank_name": bank_name,
            },
        )
        audit_record(
            actor=actor,
            action="bank_account.set",
            target=account,
            before=before,
            after={
                "account_name": account_name,
                "account_number_masked": account.account_number_masked,
                "bank_name": bank_name,
            },
        )
    return account
