"""The authorisation matrix: who may call every named URL under ``/api/v1/``.

``tests/api/test_authorisation_matrix.py`` turns it into tests, and fails when a URL (or a
method of one) is missing here, so every new endpoint must add an entry.

Adding an endpoint
------------------
Append an ``Endpoint`` to ``MATRIX``::

    Endpoint(
        "order-detail",                           # the URL name (`route(..., name)`)
        {"GET": STAFF, "POST": NOBODY},           # method -> roles allowed, see below
        foreign=_other_order,                     # builds the other tenant's object
    ),

- **Methods**: every method the view answers (OPTIONS and HEAD aside), upper case.
- **Roles** are ``accounts.roles.Role`` values plus ``ANONYMOUS``; use the sets below
  (``EVERYONE``, ``AUTHENTICATED``, ``ORG_MEMBERS``, ``STAFF``, ``NOBODY``, ...) or build one
  with ``roles(Role.PROGRAMME_OFFICER, STAFF, ...)``.
- **What "allowed" means.** The tests act on objects of *another tenant* (a firm and a provider
  the caller does not belong to, ``OtherTenant``):

  - URLs with parameters (``orders/<uuid:id>``): the roles that may act on *that other tenant's*
    object, which is usually staff only. A firm may confirm its own order, but another firm's
    order must answer 404 to it, so ``firm_admin`` is not listed.
  - URLs without parameters (lists, creates, ``.../me/...``): the roles that may call it at all.
    What they get back must still be scoped to their own tenant.

- **foreign**: a function ``(OtherTenant) -> Foreign`` that creates, with the factories, what
  the endpoint would expose of the other tenant: its URL ``kwargs`` (required when the URL has
  parameters) and ``secrets``, the strings (ids, names, e-mails, codes...) that must never
  appear in a response to anyone outside that tenant but staff. The other tenant's own
  identity (``OtherTenant.secrets``) is always checked as well.
- **Public by design.** Some of the other tenant's identity is meant to be seen: an accredited
  provider's id, name and credit code (the provider directory, the catalogue's offerings). A
  builder lists those values in ``Foreign.public``; they are then not checked as secrets.
- **body**: the JSON sent with the request (default ``{}``). Refused callers must be refused
  before the body matters; allowed callers usually get 400 for an empty body, which is fine.
  Where a view validates its input before it looks the object up, give a valid body, so that
  a refused caller is refused (403/404) and not merely told the body is wrong (400).
- **sees_secrets**: the roles exempt from the leak check (default: staff, who work across
  tenants). Narrow it where only some staff may see a value, e.g. a bank account number that
  only finance officers see in full.

What is asserted, for every entry, method and role (anonymous included):

- a refused role gets 401 ``not_authenticated`` (anonymous) or 403 ``permission_denied`` /
  404 ``not_found`` (authenticated), in the error envelope;
- an allowed role gets neither 401 nor 403, nor 404 on a URL with parameters, nor a 5xx;
- no response to anyone but allowed ``sees_secrets`` roles contains any of the secrets.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve

from accounts.models import Membership, Organisation, User
from accounts.roles import ADMIN_ROLES, FIRM_ROLES, PROVIDER_ROLES, STAFF_ROLES, Role
from marketplace import services as marketplace
from marketplace.models import Offering, Order
from programmes.models import Programme
from providers import services as providers
from providers.models import Accreditation, AccreditationRequest, BankAccount
from settlement import reconciliation
from settlement import services as settlement
from settlement.models import Payout, PayoutBatch, ReconciliationException
from tests import factories
from vouchers import services as vouchers
from vouchers.models import Voucher, VoucherApplication

ANONYMOUS = "anonymous"
ALL_ROLES: tuple[str, ...] = (ANONYMOUS, *(str(role) for role in Role))

Roles = frozenset[str]


def roles(*names: Iterable[str] | str) -> Roles:
    """A set of role names (plain strings) from roles and sets of roles."""
    return frozenset(
        str(role) for name in names for role in ([name] if isinstance(name, str) else name)
    )


EVERYONE = roles(ALL_ROLES)
AUTHENTICATED = roles(Role)
FIRM = roles(FIRM_ROLES)
PROVIDER = roles(PROVIDER_ROLES)
ORG_MEMBERS = FIRM | PROVIDER
ORG_ADMINS = roles(ADMIN_ROLES)
STAFF = roles(STAFF_ROLES)
NOBODY = roles()
FINANCE = roles(Role.FINANCE_OFFICER)


@dataclass
class OtherTenant:
    """A firm and a provider that no caller in the matrix tests belongs to, each with an admin.

    Names, e-mails and codes are distinctive, so that finding one in a response is a leak and
    never a coincidence.
    """

    firm: Organisation
    provider: Organisation
    firm_admin: User
    provider_admin: User

    @classmethod
    def create(cls) -> OtherTenant:
        tag = uuid.uuid4().hex[:10]
        firm = factories.FirmFactory.create(
            name=f"Foreign Firm {tag}", legal_representative=f"Foreign Firm Rep {tag}"
        )
        provider = factories.ProviderOrganisationFactory.create(
            name=f"Foreign Provider {tag}", legal_representative=f"Foreign Provider Rep {tag}"
        )
        firm_admin = cls._admin(firm, Role.FIRM_ADMIN, f"foreign-firm-admin-{tag}@example.com")
        provider_admin = cls._admin(
            provider, Role.PROVIDER_ADMIN, f"foreign-provider-admin-{tag}@example.com"
        )
        return cls(firm, provider, firm_admin, provider_admin)

    @staticmethod
    def _admin(organisation: Organisation, role: str, email: str) -> User:
        user = factories.UserFactory.create(email=email)
        factories.MembershipFactory.create(user=user, organisation=organisation, role=role)
        return user

    def secrets(self) -> list[str]:
        values: list[str] = []
        for organisation in (self.firm, self.provider):
            values += [
                str(organisation.id),
                organisation.name,
                organisation.credit_code,
                organisation.legal_representative,
            ]
        for user in (self.firm_admin, self.provider_admin):
            values += [str(user.id), user.email]
        return values


@dataclass
class Foreign:
    """What an entry built in the other tenant: URL kwargs and values that must not leak."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    public: list[str] = field(default_factory=list)
    """Values of ``OtherTenant.secrets()`` that the endpoint exposes by design."""


ForeignBuilder = Callable[[OtherTenant], Foreign]


@dataclass(frozen=True)
class Endpoint:
    """One named URL under ``/api/v1/``; see the module docstring."""

    url_name: str
    allowed: Mapping[str, Roles]
    foreign: ForeignBuilder | None = None
    body: Mapping[str, Any] = field(default_factory=dict)
    sees_secrets: Roles = STAFF

    def build(self, other: OtherTenant) -> Foreign:
        return self.foreign(other) if self.foreign is not None else Foreign()


# --- builders: the other tenant's objects ---------------------------------------------------


def _other_members(other: OtherTenant) -> Foreign:
    factories.user_with_role(Role.FIRM_MEMBER, other.firm)
    factories.user_with_role(Role.PROVIDER_MEMBER, other.provider)
    secrets: list[str] = []
    for membership in Membership.objects.filter(
        organisation__in=[other.firm, other.provider]
    ).select_related("user"):
        secrets += [str(membership.id), str(membership.user_id), membership.user.email]
    return Foreign(secrets=secrets)


def _other_affiliations(other: OtherTenant) -> Foreign:
    secrets: list[str] = []
    for organisation in (other.firm, other.provider):
        affiliation = factories.AffiliationFactory.create(organisation=organisation)
        secrets += [str(affiliation.id), affiliation.credit_code]
    return Foreign(secrets=secrets)


# The programme the other tenant takes part in. Programmes are public: none of it is a secret.
PROGRAMME = "MATRIX"
BANK_ACCOUNT_BODY = {
    "account_name": "Caller Account",
    "account_number": "6222000011112222",
    "bank_name": "Caller Bank",
}


def _programme() -> Programme:
    programme, _ = factories.seeded_programme(preset="shanghai-2025", code=PROGRAMME)
    return programme


def _tag() -> str:
    return uuid.uuid4().hex[:10]


def _officer() -> User:
    return factories.user_with_role(Role.PROGRAMME_OFFICER)


def _provider_profile(other: OtherTenant) -> list[str]:
    """What the provider directory shows everyone of an accredited provider."""
    return [str(other.provider.id), other.provider.name, other.provider.credit_code]


def _accreditation_request(other: OtherTenant) -> AccreditationRequest:
    """The other provider asks to be accredited for compute (pending)."""
    return providers.accreditation_request_submit(
        actor=other.provider_admin, programme=_programme(), categories=["compute"]
    )


def _accreditation(other: OtherTenant) -> Accreditation:
    """The other provider, accredited for compute by a programme officer."""
    request = _accreditation_request(other)
    providers.accreditation_request_approve(request=request, actor=_officer())
    return Accreditation.objects.get(request=request, category="compute")


def _bank_account(other: OtherTenant) -> BankAccount:
    return providers.bank_account_set(
        actor=other.provider_admin,
        account_name=f"Foreign Account {_tag()}",
        account_number=f"62{uuid.uuid4().int % 10**16:016d}",
        bank_name=f"Foreign Bank {_tag()}",
    )


def _application(other: OtherTenant) -> VoucherApplication:
    """The other firm applies for a compute voucher (pending)."""
    return vouchers.voucher_application_submit(
        actor=other.firm_admin,
        programme=_programme(),
        category="compute",
        requested_fen=100_000,
        justification=f"Foreign justification {_tag()}",
    )


def _voucher(other: OtherTenant) -> Voucher:
    """The other firm's voucher, issued by a programme officer."""
    return vouchers.voucher_issue(
        application=_application(other), approved_fen=None, actor=_officer()
    )


def _offering(other: OtherTenant) -> Offering:
    """An active offering of the (accredited) other provider."""
    _accreditation(other)
    return factories.listed_offering(
        other.provider_admin, _programme(), name=f"Foreign offering {_tag()}"
    )


def _order(other: OtherTenant, status: str) -> Foreign:
    """An order of the other firm for the other provider's offering, taken through the
    services to `status` (pending_provider, accepted, awaiting_confirmation or disputed)."""
    voucher = _voucher(other)
    order = factories.placed_order(_offering(other), voucher, "10")
    secrets = [str(order.id), str(voucher.id), voucher.code]  # the offering itself is public
    if status in (Order.Status.ACCEPTED, Order.Status.AWAITING_CONFIRMATION, Order.Status.DISPUTED):
        marketplace.order_accept(actor=other.provider_admin, order_id=order.pk)
        delivery = marketplace.delivery_report(
            actor=other.provider_admin,
            order_id=order.pk,
            quantity=Decimal("4"),
            invoice_number=f"FP-{_tag()}",
        )
        secrets += [str(delivery.id), delivery.invoice_number]
    if status in (Order.Status.AWAITING_CONFIRMATION, Order.Status.DISPUTED):
        marketplace.order_complete(actor=other.provider_admin, order_id=order.pk)
    if status == Order.Status.DISPUTED:
        reason = f"Foreign dispute {_tag()}"
        marketplace.order_dispute(actor=other.firm_admin, order_id=order.pk, reason=reason)
        secrets.append(reason)
    order.refresh_from_db()
    assert order.status == status, order.status
    return Foreign(kwargs={"id": order.id}, secrets=secrets)


def _other_programme(other: OtherTenant) -> Foreign:
    """A programme the other tenant is active in: accredited, with a voucher and an order.
    The programme itself is public; nothing of the tenants' may show in it."""
    foreign = _order(other, Order.Status.PENDING_PROVIDER)
    return Foreign(kwargs={"code": PROGRAMME}, secrets=foreign.secrets)


def _other_programme_list(other: OtherTenant) -> Foreign:
    return Foreign(secrets=_other_programme(other).secrets)


def _other_applications(other: OtherTenant) -> Foreign:
    pending = _application(other)
    voucher = _voucher(other)
    assert voucher.application is not None
    return Foreign(
        secrets=[
            str(pending.id),
            pending.justification,
            str(voucher.application.pk),
            voucher.application.justification,
            str(voucher.id),
            voucher.code,
        ]
    )


def _other_application(other: OtherTenant) -> Foreign:
    application = _application(other)
    return Foreign(
        kwargs={"id": application.id}, secrets=[str(application.id), application.justification]
    )


def _other_vouchers(other: OtherTenant) -> Foreign:
    voucher = _voucher(other)
    return Foreign(secrets=[str(voucher.id), voucher.code, str(voucher.application_id)])


def _other_voucher(other: OtherTenant) -> Foreign:
    voucher = _voucher(other)
    return Foreign(kwargs={"id": voucher.id}, secrets=[str(voucher.id), voucher.code])


def _other_accreditation_requests(other: OtherTenant) -> Foreign:
    pending = _accreditation_request(other)
    approved = _accreditation(other)
    return Foreign(secrets=[str(pending.id), str(approved.request_id), str(approved.id)])


def _other_accreditation_request(other: OtherTenant) -> Foreign:
    request = _accreditation_request(other)
    return Foreign(kwargs={"id": request.id}, secrets=[str(request.id)])


def _other_accreditation(other: OtherTenant) -> Foreign:
    accreditation = _accreditation(other)
    return Foreign(
        kwargs={"id": accreditation.id},
        secrets=[str(accreditation.id), str(accreditation.request_id)],
    )


def _other_bank_account(other: OtherTenant) -> Foreign:
    account = _bank_account(other)
    return Foreign(secrets=[account.account_number, account.account_name, account.bank_name])


def _other_providers(other: OtherTenant) -> Foreign:
    """The other provider, accredited (its directory entry is public), with a bank account:
    only staff see it, and only finance officers its full number."""
    _accreditation(other)
    return Foreign(public=_provider_profile(other), secrets=[_bank_account(other).account_number])


def _other_provider(other: OtherTenant) -> Foreign:
    return replace(_other_providers(other), kwargs={"id": other.provider.id})


def _other_offerings(other: OtherTenant) -> Foreign:
    """An active offering of the other provider (public) and an archived one (not)."""
    active = _offering(other)
    archived = factories.listed_offering(
        other.provider_admin, _programme(), name=f"Foreign archived offering {_tag()}"
    )
    marketplace.offering_archive(actor=other.provider_admin, offering=archived)
    return Foreign(
        public=[str(other.provider.id), other.provider.name, str(active.id), active.name],
        secrets=[str(archived.id), archived.name],
    )


def _other_offering(other: OtherTenant) -> Foreign:
    offering = _offering(other)
    return Foreign(kwargs={"id": offering.id}, public=[str(other.provider.id), other.provider.name])


def _other_orders(other: OtherTenant) -> Foreign:
    secrets: list[str] = []
    for status in (Order.Status.PENDING_PROVIDER, Order.Status.DISPUTED):
        secrets += _order(other, status).secrets
    return Foreign(secrets=secrets)


def _other_order_in(status: str) -> ForeignBuilder:
    def build(other: OtherTenant) -> Foreign:
        return _order(other, status)

    build.__name__ = f"_other_order_{status}"
    return build


# --- settlement: staff resources; the other tenant's money is what must not leak ---------


def _finance_officer() -> User:
    return factories.user_with_role(Role.FINANCE_OFFICER)


def _completed_order(other: OtherTenant) -> Foreign:
    """An order of the other firm, delivered in part and confirmed: captured subsidy that the
    other provider's payable owes it."""
    foreign = _order(other, Order.Status.AWAITING_CONFIRMATION)
    marketplace.order_confirm(actor=other.firm_admin, order_id=foreign.kwargs["id"])
    return foreign


def _batch(other: OtherTenant, status: str) -> tuple[PayoutBatch, list[str]]:
    """A batch paying the other provider (which has a bank account), taken through the
    services to `status` (draft, submitted or approved)."""
    secrets = _completed_order(other).secrets
    account = _bank_account(other)
    secrets += [account.account_number, account.account_name, account.bank_name]
    maker = _finance_officer()
    batch = settlement.payout_batch_request(programme=_programme(), actor=maker)
    settlement.payout_batch_prepare(batch_id=batch.pk)  # the worker's job, on commit
    if status in (PayoutBatch.Status.SUBMITTED, PayoutBatch.Status.APPROVED):
        settlement.payout_batch_submit(batch=batch, actor=maker)
    if status == PayoutBatch.Status.APPROVED:
        settlement.payout_batch_approve(batch=batch, actor=_finance_officer())
    batch.refresh_from_db()
    assert batch.status == status, batch.status
    payout = Payout.objects.get(batch=batch)
    return batch, [*secrets, str(batch.id), str(payout.id), payout.reference]


def _other_batch_in(status: str) -> ForeignBuilder:
    def build(other: OtherTenant) -> Foreign:
        batch, secrets = _batch(other, status)
        return Foreign(kwargs={"id": batch.id}, secrets=secrets)

    build.__name__ = f"_other_batch_{status}"
    return build


def _other_batches(other: OtherTenant) -> Foreign:
    return Foreign(secrets=_batch(other, PayoutBatch.Status.DRAFT)[1])


def _exception(other: OtherTenant) -> tuple[ReconciliationException, list[str]]:
    """An open exception: the bank paid the other provider's sent payout a wrong amount."""
    batch, secrets = _batch(other, PayoutBatch.Status.APPROVED)
    payout = Payout.objects.get(batch=batch)
    content = (
        "value_date,reference,amount,currency,counterparty_account,description\n"
        f"2026-03-12,{payout.reference},-0.01,CNY,{payout.account_number},Foreign {_tag()}\n"
    )
    upload = SimpleUploadedFile("statement.csv", content.encode())
    statement, _ = reconciliation.statement_import(
        upload=upload, filename="statement.csv", actor=_finance_officer()
    )
    exception = ReconciliationException.objects.get(statement=statement)
    assert exception.kind == ReconciliationException.Kind.AMOUNT_MISMATCH, exception.kind
    return exception, [*secrets, str(statement.id), str(exception.id)]


def _other_exceptions(other: OtherTenant) -> Foreign:
    return Foreign(secrets=_exception(other)[1])


def _other_exception(other: OtherTenant) -> Foreign:
    exception, secrets = _exception(other)
    return Foreign(kwargs={"id": exception.id}, secrets=secrets)


def _other_clawbacks(other: OtherTenant) -> Foreign:
    """A clawback of the other firm's completed order, which names the order and the reason."""
    foreign = _completed_order(other)
    reason = f"Foreign clawback {_tag()}"
    clawback = settlement.clawback_create(
        order_id=foreign.kwargs["id"], reason=reason, actor=_finance_officer()
    )
    return Foreign(secrets=[*foreign.secrets, str(clawback.id), reason])


# --- the matrix -----------------------------------------------------------------------------

MATRIX: Sequence[Endpoint] = [
    # accounts
    Endpoint("organisation-register", {"POST": EVERYONE}),
    Endpoint("auth-token", {"POST": EVERYONE}),
    Endpoint("auth-logout", {"POST": AUTHENTICATED}),
    Endpoint("auth-password", {"POST": AUTHENTICATED}),
    Endpoint("me", {"GET": AUTHENTICATED}),
    Endpoint(
        "organisation-members",
        {"GET": ORG_MEMBERS, "POST": ORG_ADMINS},
        foreign=_other_members,
    ),
    Endpoint(
        "organisation-affiliations",
        {"GET": ORG_MEMBERS, "POST": ORG_ADMINS},
        foreign=_other_affiliations,
    ),
    # programmes: public to every authenticated user; the report is for staff
    Endpoint("programme-list", {"GET": AUTHENTICATED}, foreign=_other_programme_list),
    Endpoint("programme-detail", {"GET": AUTHENTICATED}, foreign=_other_programme),
    Endpoint("programme-report", {"GET": STAFF}, foreign=_other_programme),
    # voucher applications and vouchers: a firm's own, staff all; officers decide
    Endpoint(
        "voucher-application-list",
        {"GET": FIRM | STAFF, "POST": roles(Role.FIRM_ADMIN)},
        foreign=_other_applications,
        body={
            "programme": PROGRAMME,
            "category": "compute",
            "requested_fen": 50_000,
            "justification": "Caller's own application",
        },
    ),
    Endpoint("voucher-application-detail", {"GET": STAFF}, foreign=_other_application),
    Endpoint(
        "voucher-application-approve",
        {"POST": roles(Role.PROGRAMME_OFFICER)},
        foreign=_other_application,
    ),
    Endpoint(
        "voucher-application-reject",
        {"POST": roles(Role.PROGRAMME_OFFICER)},
        foreign=_other_application,
        body={"reason": "Not eligible"},
    ),
    Endpoint("voucher-list", {"GET": FIRM | STAFF}, foreign=_other_vouchers),
    Endpoint("voucher-detail", {"GET": STAFF}, foreign=_other_voucher),
    Endpoint(
        "voucher-revoke",
        {"POST": roles(Role.PROGRAMME_OFFICER)},
        foreign=_other_voucher,
        body={"reason": "Misused"},
    ),
    # accreditation: a provider's own requests, staff all; officers decide
    Endpoint(
        "accreditation-request-list",
        {"GET": PROVIDER | STAFF, "POST": roles(Role.PROVIDER_ADMIN)},
        foreign=_other_accreditation_requests,
        body={"programme": PROGRAMME, "categories": ["model"]},
    ),
    Endpoint("accreditation-request-detail", {"GET": STAFF}, foreign=_other_accreditation_request),
    Endpoint(
        "accreditation-request-approve",
        {"POST": roles(Role.PROGRAMME_OFFICER)},
        foreign=_other_accreditation_request,
    ),
    Endpoint(
        "accreditation-request-reject",
        {"POST": roles(Role.PROGRAMME_OFFICER)},
        foreign=_other_accreditation_request,
        body={"reason": "Not eligible"},
    ),
    Endpoint(
        "accreditation-suspend",
        {"POST": roles(Role.PROGRAMME_OFFICER)},
        foreign=_other_accreditation,
        body={"reason": "Complaints"},
    ),
    # providers: the directory of accredited providers is public; bank accounts are not
    Endpoint(
        "provider-bank-account",
        {"GET": PROVIDER, "PUT": roles(Role.PROVIDER_ADMIN)},
        foreign=_other_bank_account,
        body=BANK_ACCOUNT_BODY,
    ),
    Endpoint(
        "provider-list",
        {"GET": AUTHENTICATED},
        foreign=_other_providers,
        sees_secrets=roles(Role.FINANCE_OFFICER),
    ),
    Endpoint(
        "provider-detail",
        {"GET": AUTHENTICATED},
        foreign=_other_provider,
        sees_secrets=roles(Role.FINANCE_OFFICER),
    ),
    # offerings: active ones are public; only their provider changes them
    Endpoint(
        "offering-list",
        {"GET": AUTHENTICATED, "POST": PROVIDER},
        foreign=_other_offerings,
        body={
            "programme": PROGRAMME,
            "category": "compute",
            "name": "Caller's offering",
            "unit": "gpu_hour",
            "unit_price_fen": 1500,
        },
    ),
    Endpoint(
        "offering-detail",
        {"GET": AUTHENTICATED, "PATCH": NOBODY},
        foreign=_other_offering,
        body={"unit_price_fen": 1},
    ),
    Endpoint("offering-archive", {"POST": NOBODY}, foreign=_other_offering),
    # orders: the firm's and the provider's own, staff all; only officers resolve disputes
    Endpoint("order-list", {"GET": FIRM | PROVIDER | STAFF, "POST": FIRM}, foreign=_other_orders),
    Endpoint(
        "order-detail", {"GET": STAFF}, foreign=_other_order_in(Order.Status.PENDING_PROVIDER)
    ),
    Endpoint(
        "order-accept", {"POST": NOBODY}, foreign=_other_order_in(Order.Status.PENDING_PROVIDER)
    ),
    Endpoint(
        "order-reject",
        {"POST": NOBODY},
        foreign=_other_order_in(Order.Status.PENDING_PROVIDER),
        body={"reason": "Out of stock"},
    ),
    Endpoint(
        "order-cancel", {"POST": NOBODY}, foreign=_other_order_in(Order.Status.PENDING_PROVIDER)
    ),
    Endpoint(
        "order-deliveries",
        {"GET": STAFF, "POST": NOBODY},
        foreign=_other_order_in(Order.Status.ACCEPTED),
        body={"quantity": "1", "invoice_number": "FP-CALLER"},
    ),
    Endpoint("order-complete", {"POST": NOBODY}, foreign=_other_order_in(Order.Status.ACCEPTED)),
    Endpoint(
        "order-confirm",
        {"POST": NOBODY},
        foreign=_other_order_in(Order.Status.AWAITING_CONFIRMATION),
    ),
    Endpoint(
        "order-dispute",
        {"POST": NOBODY},
        foreign=_other_order_in(Order.Status.AWAITING_CONFIRMATION),
        body={"reason": "Not delivered"},
    ),
    Endpoint(
        "order-resolve",
        {"POST": roles(Role.PROGRAMME_OFFICER)},
        foreign=_other_order_in(Order.Status.DISPUTED),
        body={"outcome": "void"},
    ),
    # settlement: staff resources with no tenant owner; finance officers act, staff read
    Endpoint(
        "payout-batch-list",
        {"GET": STAFF, "POST": FINANCE},
        foreign=_other_batches,
        body={"programme": PROGRAMME},
    ),
    Endpoint("payout-batch-detail", {"GET": STAFF}, foreign=_other_batch_in("draft")),
    Endpoint("payout-batch-submit", {"POST": FINANCE}, foreign=_other_batch_in("draft")),
    Endpoint("payout-batch-approve", {"POST": FINANCE}, foreign=_other_batch_in("submitted")),
    Endpoint(
        "payout-batch-bank-file",
        {"GET": FINANCE},
        foreign=_other_batch_in("approved"),
        sees_secrets=FINANCE,
    ),
    Endpoint("bank-statement-list", {"POST": FINANCE}, foreign=_other_exceptions),
    Endpoint("reconciliation-exception-list", {"GET": STAFF}, foreign=_other_exceptions),
    Endpoint(
        "reconciliation-exception-resolve",
        {"POST": FINANCE},
        foreign=_other_exception,
        body={"note": "Bank confirmed the amount"},
    ),
    Endpoint(
        "clawback-list",
        {"GET": STAFF, "POST": FINANCE},
        foreign=_other_clawbacks,
        body={"order": str(uuid.UUID(int=1)), "reason": "Ineligible"},
    ),
    Endpoint("audit-event-list", {"GET": STAFF}, foreign=_other_clawbacks),
]

BY_NAME: dict[str, Endpoint] = {endpoint.url_name: endpoint for endpoint in MATRIX}


def allowed_roles(path: str, method: str) -> Roles | None:
    """The roles the matrix allows on a schema path (``/api/v1/orders/{id}``), if it knows it."""
    sample = "/".join(
        str(uuid.UUID(int=0)) if part.startswith("{") and part.endswith("}") else part
        for part in path.split("/")
    )
    try:
        match = resolve(sample)
    except Resolver404:
        return None
    endpoint = BY_NAME.get(match.view_name)
    return endpoint.allowed.get(method.upper()) if endpoint is not None else None
