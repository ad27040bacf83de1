"""factory-boy factories for every model tests need."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import factory
from stdnum.cn import uscc

from accounts.models import Affiliation, Membership, Organisation, User
from accounts.roles import Role
from core.ids import stable_id
from core.money import Category
from ledger import services as ledger
from marketplace import services as marketplace
from marketplace.models import Offering, Order, Unit
from programmes.models import BudgetPool, Programme
from programmes.services import preset_load, programme_seed
from providers.services import accreditation_request_approve, accreditation_request_submit
from tests.clock import shifted
from vouchers.models import Voucher
from vouchers.services import voucher_application_submit, voucher_issue

_serial = itertools.count(1)
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(seed: int | None = None) -> str:
    """A valid 18-character unified social credit code (GB 32100-2015 check digit)."""
    rng = random.Random(seed if seed is not None else next(_serial) * 7919)
    registry = "91"  # industry and commerce, enterprise
    region = "310000"  # Shanghai
    org = "".join(rng.choice("0123456789") for _ in range(8))
    org += str(_org_check_digit(org))
    body = registry + region + org
    return body + uscc.calc_check_digit(body)


def _org_check_digit(digits: str) -> str:
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: Any = None) -> None:
        if create:
            instance.save(update_fields=["password"])


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.FIRM
    name = factory.Sequence(lambda n: f"Organisation {n} Ltd")
    credit_code = factory.LazyFunction(credit_code)
    legal_representative = factory.Sequence(lambda n: f"Representative {n}")


class FirmFactory(OrganisationFactory):
    kind = Organisation.Kind.FIRM
    name = factory.Sequence(lambda n: f"Firm {n} Ltd")


class ProviderOrganisationFactory(OrganisationFactory):
    kind = Organisation.Kind.PROVIDER
    name = factory.Sequence(lambda n: f"Provider {n} Cloud")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(FirmFactory)
    role = Role.FIRM_ADMIN


class AffiliationFactory(factory.django.DjangoModelFactory[Affiliation]):
    class Meta:
        model = Affiliation

    organisation = factory.SubFactory(FirmFactory)
    credit_code = factory.LazyFunction(credit_code)
    relation = Affiliation.Relation.SHAREHOLDER


def user_with_role(role: str, organisation: Organisation | None = None) -> User:
    """A user holding `role`: in `organisation` (made if needed) or as staff."""
    user: User = UserFactory.create()
    if role in (Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR):
        MembershipFactory(user=user, organisation=None, role=role)
        return user
    if organisation is None:
        factory_class = FirmFactory if role.startswith("firm") else ProviderOrganisationFactory
        organisation = factory_class.create()
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


# --- programmes, vouchers, providers and orders -------------------------------------------


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    """A programme made without a preset; give it pools with `BudgetPoolFactory`."""

    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"TEST{n}")
    name = factory.LazyAttribute(lambda o: f"Test programme {o.code}")
    # Dated around the clock's today, whatever it is (tests.clock).
    starts_on = factory.LazyFunction(lambda: shifted(dt.date(2025, 1, 1)))
    ends_on = factory.LazyFunction(lambda: shifted(dt.date(2027, 12, 31)))
    auto_grant = False


class BudgetPoolFactory(factory.django.DjangoModelFactory[BudgetPool]):
    """A pool with its limited ledger account `pool:<category>`, funded from the programme's
    `funding` account through the ledger, exactly as `programme_seed` funds a preset's pools."""

    class Meta:
        model = BudgetPool
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    category = Category.COMPUTE
    budget_fen = 1_000_000
    rate_bps = 3000
    firm_cap_fen = 500_000_000
    account = factory.LazyAttribute(
        lambda o: ledger.account_open(
            ledger=o.programme.code,
            code=f"pool:{o.category}",
            currency=o.programme.currency,
            debits_must_not_exceed_credits=True,
        )
    )

    @factory.post_generation
    def funded(pool: BudgetPool, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or pool.budget_fen == 0:
            return
        programme = pool.programme
        funding = ledger.account_open(
            ledger=programme.code, code="funding", currency=programme.currency
        )
        ledger.transfer_create(
            id=stable_id(programme.code, "funding", pool.category),
            debit_account=funding,
            credit_account=pool.account,
            amount=pool.budget_fen,
            kind="pool_funding",
        )


def accredited_provider_admin(
    programme: Programme,
    categories: Iterable[str] = (Category.COMPUTE,),
    *,
    officer: User | None = None,
    organisation: Organisation | None = None,
) -> User:
    """A provider admin whose provider is accredited in `categories`, through the services."""
    admin = user_with_role(Role.PROVIDER_ADMIN, organisation)
    request = accreditation_request_submit(
        actor=admin, programme=programme, categories=list(categories)
    )
    accreditation_request_approve(
        request=request, actor=officer or user_with_role(Role.PROGRAMME_OFFICER)
    )
    return admin


def issued_voucher(
    programme: Programme,
    category: str = Category.COMPUTE,
    requested_fen: int = 100_000,
    *,
    approved_fen: int | None = None,
    firm_admin: User | None = None,
    officer: User | None = None,
) -> Voucher:
    """A voucher applied for by a firm admin and issued by a programme officer (or granted at
    once in an `auto_grant` programme), through the services. `voucher.application.applied_by`
    is the firm admin."""
    firm_admin = firm_admin or user_with_role(Role.FIRM_ADMIN)
    application = voucher_application_submit(
        actor=firm_admin,
        programme=programme,
        category=category,
        requested_fen=requested_fen,
        justification="Training a model",
    )
    if programme.auto_grant:
        return Voucher.objects.get(application=application)
    return voucher_issue(
        application=application,
        approved_fen=approved_fen,
        actor=officer or user_with_role(Role.PROGRAMME_OFFICER),
    )


def listed_offering(
    provider_admin: User,
    programme: Programme,
    category: str = Category.COMPUTE,
    *,
    unit_price_fen: int = 2000,
    unit: str = Unit.GPU_HOUR,
    name: str = "A100 hour",
) -> Offering:
    return marketplace.offering_create(
        actor=provider_admin,
        programme=programme,
        category=category,
        name=name,
        unit=unit,
        unit_price_fen=unit_price_fen,
    )


def placed_order(offering: Offering, voucher: Voucher, quantity: str) -> Order:
    """An order by the voucher's firm admin (pending_provider), with the subsidy held."""
    return marketplace.order_place(
        actor=voucher.application.applied_by,
        offering_id=offering.pk,
        quantity=Decimal(quantity),
        voucher_id=voucher.pk,
    )


def delivered_order(order: Order, provider_admin: User, delivered: str) -> Order:
    """Accept the order, deliver `delivered` of it and complete it (awaiting_confirmation)."""
    marketplace.order_accept(actor=provider_admin, order_id=order.pk)
    marketplace.delivery_report(
        actor=provider_admin,
        order_id=order.pk,
        quantity=Decimal(delivered),
        invoice_number=f"FP-{str(order.pk)[:8]}",
    )
    return marketplace.order_complete(actor=provider_admin, order_id=order.pk)


def seeded_programme(*, preset: str, code: str, **kwargs: Any) -> tuple[Programme, bool]:
    """`programme_seed`, with the preset's period moved as the clock's today is from the
    day the tests were written against (tests.clock.shifted)."""
    starts_on = shifted(dt.date.fromisoformat(preset_load(preset)["starts_on"]))
    return programme_seed(preset=preset, code=code, starts_on=starts_on, **kwargs)
