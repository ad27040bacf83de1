"""`order_quote`: what `order_place` would do, without doing it. The same rules (one function,
`_order_terms`), read without locks: every refusal code, the exact subsidy, and nothing
written, not even the firm's first cap row of the year.

The world (conftest): SH2025 (compute 30%), an accredited compute provider selling GPU hours
at 2000 fen, and a firm with a 100000 fen compute voucher.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from time_machine import TimeMachineFixture

from accounts.models import Organisation, User
from accounts.roles import Role
from core.exceptions import (
    DomainError,
    InvalidStateError,
    PermissionDeniedError,
    SubsidyRuleError,
    ValidationError,
)
from marketplace import services
from marketplace.models import Offering
from programmes.models import BudgetPool, Programme
from providers.models import Accreditation
from tests.conftest import NothingWritten
from tests.factories import AffiliationFactory, user_with_role
from tests.marketplace.conftest import IssueVoucher, MakeOffering, cap_used_fen
from vouchers import services as vouchers
from vouchers.models import FirmCapUsage, Voucher

pytestmark = pytest.mark.django_db
LedgerOk = Callable[..., None]


def _quote(
    actor: User, offering: Offering, voucher: Voucher | None, quantity: str = "10", **extra: Any
) -> services.OrderTerms:
    return services.order_quote(
        actor=actor,
        offering_id=offering.pk,
        quantity=Decimal(quantity),
        voucher_id=voucher.pk if voucher else None,
        **extra,
    )


def _refusal(actor: User, offering: Offering, voucher: Voucher | None, **extra: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        _quote(actor, offering, voucher, **extra)
    return caught.value


def test_the_quote_is_the_subsidy_order_place_then_holds(
    firm_admin: User,
    firm: Organisation,
    offering: Offering,
    voucher: Voucher,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    with nothing_written():  # not even the firm's first cap row of the year
        quote = _quote(firm_admin, offering, voucher, "10.5")

    assert (quote.gross_fen, quote.subsidy_fen, quote.firm_pays_fen) == (21000, 6300, 14700)
    assert quote.quantity == Decimal("10.5")
    assert FirmCapUsage.objects.count() == 0

    order = services.order_place(
        actor=firm_admin, offering_id=offering.pk, quantity=Decimal("10.5"), voucher_id=voucher.pk
    )
    assert (order.gross_fen, order.subsidy_fen, order.firm_pays_fen) == (21000, 6300, 14700)
    assert cap_used_fen(firm) == 6300
    assert_ledger_ok("SH2025")


def test_the_quote_rounds_down_and_without_a_voucher_has_no_subsidy(
    firm_admin: User, offering: Offering, voucher: Voucher
) -> None:
    rounded = _quote(firm_admin, offering, voucher, "0.001")  # gross 2 fen, 30%: 0.6 fen
    assert (rounded.gross_fen, rounded.subsidy_fen, rounded.firm_pays_fen) == (2, 0, 2)

    bare = _quote(firm_admin, offering, None)
    assert (bare.gross_fen, bare.subsidy_fen, bare.firm_pays_fen) == (20000, 0, 20000)
    assert bare.hold is None


def test_the_quote_is_limited_by_the_free_balance_and_the_remaining_cap(
    firm_admin: User,
    firm: Organisation,
    offering: Offering,
    issue_voucher: IssueVoucher,
    programme: Programme,
) -> None:
    small = issue_voucher(firm_admin, face_value_fen=5000)
    assert _quote(firm_admin, offering, small).subsidy_fen == 5000  # not 6000

    big = issue_voucher(firm_admin)
    BudgetPool.objects.filter(programme=programme, category="compute").update(firm_cap_fen=10000)
    services.order_place(
        actor=firm_admin, offering_id=offering.pk, quantity=Decimal("10"), voucher_id=big.pk
    )
    assert cap_used_fen(firm) == 6000
    assert _quote(firm_admin, offering, big).subsidy_fen == 4000  # the cap's remaining 4000


def test_price_changed(
    firm_admin: User,
    offering: Offering,
    voucher: Voucher,
    provider_admin: User,
    nothing_written: NothingWritten,
) -> None:
    assert _quote(firm_admin, offering, voucher, expected_unit_price_fen=2000).gross_fen == 20000
    services.offering_update(actor=provider_admin, offering=offering, unit_price_fen=2400)

    with nothing_written():
        refusal = _refusal(firm_admin, offering, voucher, expected_unit_price_fen=2000)

    assert isinstance(refusal, SubsidyRuleError)
    assert refusal.code == "price_changed"
    assert refusal.message == "The price is now 2400 fen per gpu_hour."
    now = _quote(firm_admin, offering, voucher, expected_unit_price_fen=2400)
    assert (now.gross_fen, now.subsidy_fen) == (24000, 7200)


def test_provider_not_accredited(
    firm_admin: User,
    offering: Offering,
    voucher: Voucher,
    accreditation: Accreditation,
    nothing_written: NothingWritten,
) -> None:
    Accreditation.objects.filter(pk=accreditation.pk).update(status=Accreditation.Status.SUSPENDED)

    with nothing_written():
        refusal = _refusal(firm_admin, offering, voucher)

    assert refusal.code == "provider_not_accredited"


def test_related_party(
    firm_admin: User,
    firm: Organisation,
    offering: Offering,
    voucher: Voucher,
    nothing_written: NothingWritten,
) -> None:
    AffiliationFactory(organisation=firm, credit_code=offering.provider.credit_code)

    with nothing_written():
        refusal = _refusal(firm_admin, offering, voucher)

    assert refusal.code == "related_party"


def test_voucher_expired(
    firm_admin: User,
    offering: Offering,
    voucher: Voucher,
    time_machine: TimeMachineFixture,
    nothing_written: NothingWritten,
) -> None:
    time_machine.move_to(voucher.valid_until + dt.timedelta(seconds=1))

    with nothing_written():
        refusal = _refusal(firm_admin, offering, voucher)

    assert refusal.code == "voucher_expired"
    assert refusal.message == (
        f"Voucher {voucher.code} expired on {voucher.valid_until.date().isoformat()}."
    )


def test_voucher_revoked(
    firm_admin: User,
    offering: Offering,
    voucher: Voucher,
    officer: User,
    nothing_written: NothingWritten,
) -> None:
    vouchers.voucher_revoke(voucher=voucher, reason="Fraudulent application", actor=officer)

    with nothing_written():
        refusal = _refusal(firm_admin, offering, voucher)

    assert refusal.code == "voucher_revoked"


def test_category_mismatch(
    firm_admin: User,
    offering: Offering,
    issue_voucher: IssueVoucher,
    nothing_written: NothingWritten,
) -> None:
    model_voucher = issue_voucher(firm_admin, category="model")

    with nothing_written():
        refusal = _refusal(firm_admin, offering, model_voucher)

    assert refusal.code == "category_mismatch"


def test_insufficient_budget(
    firm_admin: User,
    offering: Offering,
    issue_voucher: IssueVoucher,
    nothing_written: NothingWritten,
) -> None:
    spent = issue_voucher(firm_admin, face_value_fen=6000)
    services.order_place(
        actor=firm_admin, offering_id=offering.pk, quantity=Decimal("10"), voucher_id=spent.pk
    )

    with nothing_written():
        refusal = _refusal(firm_admin, offering, spent)

    assert refusal.code == "insufficient_budget"


def test_firm_cap_reached(
    firm_admin: User,
    offering: Offering,
    voucher: Voucher,
    programme: Programme,
    nothing_written: NothingWritten,
) -> None:
    BudgetPool.objects.filter(programme=programme, category="compute").update(firm_cap_fen=6000)
    services.order_place(
        actor=firm_admin, offering_id=offering.pk, quantity=Decimal("10"), voucher_id=voucher.pk
    )

    with nothing_written():
        refusal = _refusal(firm_admin, offering, voucher)

    assert refusal.code == "firm_cap_reached"


def test_bad_input_and_state_refusals(
    firm_admin: User,
    offering: Offering,
    voucher: Voucher,
    provider_admin: User,
    make_offering: MakeOffering,
    nothing_written: NothingWritten,
) -> None:
    other_firms_voucher_holder = user_with_role(Role.FIRM_ADMIN)
    with nothing_written():
        assert isinstance(_refusal(firm_admin, offering, voucher, quantity="0"), ValidationError)
        assert isinstance(
            _refusal(firm_admin, offering, voucher, quantity="1.0001"), ValidationError
        )
        not_theirs = _refusal(other_firms_voucher_holder, offering, voucher)
        assert (type(not_theirs), not_theirs.message) == (ValidationError, "No such voucher.")
        assert isinstance(_refusal(provider_admin, offering, voucher), PermissionDeniedError)

    archived = make_offering(provider_admin, name="Old H800 hour")
    services.offering_archive(actor=provider_admin, offering=archived)
    assert isinstance(_refusal(firm_admin, archived, voucher), InvalidStateError)
