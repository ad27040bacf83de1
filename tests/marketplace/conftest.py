"""A marketplace world built through the real services: the SH2025 programme, a programme
officer, an accredited compute provider with one offering, and a firm with a compute voucher.

Helpers that make more of the same (another provider, another voucher) are fixtures returning
callables, so that the tests of other apps never see them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db.models import Sum

from accounts.models import Organisation, User
from accounts.roles import Role
from marketplace import services as marketplace
from marketplace.models import Offering
from programmes.models import Programme
from providers import services as providers
from providers.models import Accreditation
from tests.factories import seeded_programme, user_with_role
from vouchers import services as vouchers
from vouchers.models import FirmCapUsage, Voucher

PROGRAMME_CODE = "SH2025"
OFFERING_PRICE_FEN = 2000
VOUCHER_FACE_FEN = 100_000


@dataclass(frozen=True)
class VoucherFigures:
    """A voucher's balances, read fresh from its ledger account."""

    available_fen: int
    held_fen: int
    used_fen: int


def voucher_figures(voucher: Voucher) -> VoucherFigures:
    voucher = Voucher.objects.select_related("account").get(pk=voucher.pk)
    account = voucher.account
    return VoucherFigures(
        available_fen=account.credits_posted - account.debits_posted - account.debits_pending,
        held_fen=account.debits_pending,
        used_fen=account.debits_posted - voucher.returned_fen,
    )


def cap_used_fen(firm: Organisation, category: str = "compute") -> int:
    """What the firm has held or captured against its yearly cap (0 before its first order)."""
    total = FirmCapUsage.objects.filter(firm=firm, category=category).aggregate(
        total=Sum("used_fen")
    )["total"]
    return int(total or 0)


@pytest.fixture
def programme() -> Programme:
    programme, _ = seeded_programme(preset="shanghai-2025", code=PROGRAMME_CODE)
    return programme


@pytest.fixture
def officer() -> User:
    return user_with_role(Role.PROGRAMME_OFFICER)


MakeProvider = Callable[..., User]


@pytest.fixture
def make_provider(programme: Programme, officer: User) -> MakeProvider:
    """A provider admin whose organisation is accredited in `categories` (none: unaccredited)."""

    def make(
        categories: tuple[str, ...] = ("compute",),
        organisation: Organisation | None = None,
        in_programme: Programme | None = None,
    ) -> User:
        admin = user_with_role(Role.PROVIDER_ADMIN, organisation)
        if categories:
            request = providers.accreditation_request_submit(
                actor=admin, programme=in_programme or programme, categories=list(categories)
            )
            providers.accreditation_request_approve(request=request, actor=officer)
        return admin

    return make


@pytest.fixture
def provider_admin(make_provider: MakeProvider) -> User:
    return make_provider()


@pytest.fixture
def provider(provider_admin: User) -> Organisation:
    organisation = provider_admin.organisation
    assert organisation is not None
    return organisation


MakeOffering = Callable[..., Offering]


@pytest.fixture
def make_offering(programme: Programme) -> MakeOffering:
    def make(
        actor: User,
        *,
        category: str = "compute",
        unit: str = "gpu_hour",
        unit_price_fen: int = OFFERING_PRICE_FEN,
        name: str = "A100 hour",
        in_programme: Programme | None = None,
    ) -> Offering:
        return marketplace.offering_create(
            actor=actor,
            programme=in_programme or programme,
            category=category,
            name=name,
            unit=unit,
            unit_price_fen=unit_price_fen,
            description="One NVIDIA A100 for an hour",
        )

    return make


@pytest.fixture
def offering(make_offering: MakeOffering, provider_admin: User) -> Offering:
    return make_offering(provider_admin)


@pytest.fixture
def firm_admin() -> User:
    return user_with_role(Role.FIRM_ADMIN)


@pytest.fixture
def firm(firm_admin: User) -> Organisation:
    organisation = firm_admin.organisation
    assert organisation is not None
    return organisation


IssueVoucher = Callable[..., Voucher]


@pytest.fixture
def issue_voucher(programme: Programme, officer: User) -> IssueVoucher:
    """Apply as the firm admin and have the officer approve: a voucher through the services."""

    def issue(
        firm_admin: User, *, category: str = "compute", face_value_fen: int = VOUCHER_FACE_FEN
    ) -> Voucher:
        application = vouchers.voucher_application_submit(
            actor=firm_admin,
            programme=programme,
            category=category,
            requested_fen=face_value_fen,
            justification="Training a model",
        )
        return vouchers.voucher_issue(
            application=application, approved_fen=face_value_fen, actor=officer
        )

    return issue


@pytest.fixture
def voucher(issue_voucher: IssueVoucher, firm_admin: User) -> Voucher:
    return issue_voucher(firm_admin)


@pytest.fixture
def accreditation(provider: Organisation, programme: Programme) -> Accreditation:
    return Accreditation.objects.get(provider=provider, programme=programme, category="compute")


__all__ = [
    "IssueVoucher",
    "MakeOffering",
    "MakeProvider",
    "VoucherFigures",
    "cap_used_fen",
    "voucher_figures",
]
