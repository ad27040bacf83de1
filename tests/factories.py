"""factory-boy factories for every model tests need."""

from __future__ import annotations

import itertools
import random
from typing import Any

import factory
from stdnum.cn import uscc

from accounts.models import Affiliation, Membership, Organisation, User
from accounts.roles import Role

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
