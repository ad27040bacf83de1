"""Orders through the HTTP API: the subsidy at the point of sale, every refusal (422, nothing
written), the lifecycle and its holds, the beat jobs, and idempotency keys.

The world (conftest): SH2025 (compute 30%), an accredited compute provider selling GPU hours
at 2000 fen, and a firm with a 100000 fen compute voucher. Ten hours gross 20000 fen, so the
subsidy is 6000 fen and the firm pays 14000.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient
from time_machine import TimeMachineFixture

from accounts.models import Organisation, User
from accounts.roles import Role
from core.models import AuditEvent
from ledger.models import Transfer
from marketplace import tasks
from marketplace.models import Delivery, Offering, Order
from programmes.models import BudgetPool, Programme
from providers.models import Accreditation
from tests.conftest import NothingWritten
from tests.factories import AffiliationFactory, FirmFactory, user_with_role
from tests.marketplace.conftest import (
    IssueVoucher,
    MakeOffering,
    MakeProvider,
    VoucherFigures,
    cap_used_fen,
    voucher_figures,
)
from vouchers import services as vouchers
from vouchers.models import FirmCapUsage, Voucher

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Any], APIClient]
LedgerOk = Callable[..., None]

FACE = 100_000
UNTOUCHED = VoucherFigures(available_fen=FACE, held_fen=0, used_fen=0)


def _place(
    client: APIClient,
    offering: Offering,
    voucher: Voucher | None,
    quantity: Any = "10",
    key: str | None = None,
    **extra: Any,
) -> Any:
    body = {
        "offering": str(offering.pk),
        "quantity": quantity,
        "voucher": str(voucher.pk) if voucher else None,
        **extra,
    }
    headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/orders", body, **headers)


def _placed(client: APIClient, offering: Offering, voucher: Voucher | None, **kwargs: Any) -> str:
    response = _place(client, offering, voucher, **kwargs)
    assert response.status_code == 201, response.json()
    return str(response.json()["id"])


def _act(client: APIClient, order_id: str, action: str, body: Any = None) -> Any:
    return client.post(f"/api/v1/orders/{order_id}/{action}", body)


def _acted(client: APIClient, order_id: str, action: str, body: Any = None) -> dict[str, Any]:
    response = _act(client, order_id, action, body)
    assert response.status_code in (200, 201), response.json()
    data: dict[str, Any] = response.json()
    return data


def _deliver(client: APIClient, order_id: str, quantity: str, invoice: str = "FP-1") -> Any:
    return _act(client, order_id, "deliveries", {"quantity": quantity, "invoice_number": invoice})


def _error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _holds(order_id: str) -> list[tuple[str, int]]:
    """The phases and amounts of an order's hold and its resolution, in order."""
    order = Order.objects.get(pk=order_id)
    if order.hold_transfer_id is None:
        return []
    rows = Transfer.objects.filter(pk=order.hold_transfer_id) | Transfer.objects.filter(
        pending_id=order.hold_transfer_id
    )
    return [(row.phase, row.amount) for row in rows.order_by("created_at")]


@pytest.fixture
def firm_client(client_for: ClientFor, firm_admin: User) -> APIClient:
    return client_for(firm_admin)


@pytest.fixture
def provider_client(client_for: ClientFor, provider_admin: User) -> APIClient:
    return client_for(provider_admin)


@pytest.fixture
def officer_client(client_for: ClientFor, officer: User) -> APIClient:
    return client_for(officer)


@pytest.fixture
def pending_order(firm_client: APIClient, offering: Offering, voucher: Voucher) -> str:
    return _placed(firm_client, offering, voucher)


@pytest.fixture
def accepted_order(provider_client: APIClient, pending_order: str) -> str:
    _acted(provider_client, pending_order, "accept")
    return pending_order


@pytest.fixture
def awaiting_order(provider_client: APIClient, accepted_order: str) -> str:
    """Ten hours ordered, seven delivered (3 + 4), awaiting the firm's confirmation."""
    assert _deliver(provider_client, accepted_order, "3", "FP-1").status_code == 201
    assert _deliver(provider_client, accepted_order, "4", "FP-2").status_code == 201
    _acted(provider_client, accepted_order, "complete")
    return accepted_order


@pytest.fixture
def disputed_order(firm_client: APIClient, awaiting_order: str) -> str:
    _acted(firm_client, awaiting_order, "dispute", {"reason": "Only 5 hours ran"})
    return awaiting_order


# --- placing -----------------------------------------------------------------------------


def test_an_order_with_a_voucher_holds_the_subsidy(
    firm_client: APIClient,
    firm_admin: User,
    offering: Offering,
    voucher: Voucher,
    firm: Organisation,
    provider: Organisation,
    programme: Programme,
    assert_ledger_ok: LedgerOk,
) -> None:
    response = _place(firm_client, offering, voucher, quantity="12.345")

    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    body = response.json()
    assert body == {
        "id": str(order.pk),
        "programme": programme.code,
        "offering": str(offering.pk),
        "provider": str(provider.pk),
        "firm": str(firm.pk),
        "voucher": str(voucher.pk),
        "category": "compute",
        "unit": "gpu_hour",
        "quantity": "12.345000",
        "unit_price_fen": 2000,
        "gross_fen": 24690,  # 12.345 × 2000
        "subsidy_fen": 7407,  # floor(24690 × 3000 / 10000) = floor(7407.0)
        "firm_pays_fen": 17283,
        "captured_subsidy_fen": None,
        "delivered_quantity": "0.000000",
        "status": "pending_provider",
        "reason": "",
        "created_at": body["created_at"],
        "accepted_at": None,
        "completed_at": None,
        "resolved_at": None,
    }
    assert dt.datetime.fromisoformat(body["created_at"]) == order.created_at
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=FACE - 7407, held_fen=7407, used_fen=0
    )
    assert cap_used_fen(firm) == 7407
    hold = Transfer.objects.get(kind="subsidy_hold")
    assert (hold.pk, hold.phase, hold.amount) == (order.hold_transfer_id, "pending", 7407)
    assert hold.debit_account_id == voucher.account_id
    assert hold.credit_account.code == f"provider:{provider.pk}:payable:compute"
    assert firm_client.get(f"/api/v1/vouchers/{voucher.pk}").json()["held_fen"] == 7407
    event = AuditEvent.objects.get(action="order.placed")
    assert event.object_id == str(order.pk)
    assert event.after == {
        "offering": str(offering.pk),
        "quantity": "12.345000",
        "unit_price_fen": 2000,
        "gross_fen": 24690,
        "subsidy_fen": 7407,
        "voucher": str(voucher.pk),
    }
    assert event.actor_id == firm_admin.pk
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize(
    ("unit_price_fen", "quantity", "gross_fen", "subsidy_fen"),
    [
        (2000, "10", 20000, 6000),
        (1999, "3.333", 6662, 1998),  # gross floor(6662.667); subsidy floor(1998.6)
        (2000, "0.001", 2, 0),  # floor(0.6): nothing to hold
        (333, "0.007", 2, 0),  # gross floor(2.331)
        (7, "1000", 7000, 2100),
    ],
)
def test_gross_and_subsidy_round_down(
    unit_price_fen: int,
    quantity: str,
    gross_fen: int,
    subsidy_fen: int,
    firm_client: APIClient,
    make_offering: MakeOffering,
    provider_admin: User,
    voucher: Voucher,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    offering = make_offering(provider_admin, unit_price_fen=unit_price_fen)

    response = _place(firm_client, offering, voucher, quantity=quantity)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["gross_fen"], body["subsidy_fen"]) == (gross_fen, subsidy_fen)
    assert body["firm_pays_fen"] == gross_fen - subsidy_fen
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=FACE - subsidy_fen, held_fen=subsidy_fen, used_fen=0
    )
    assert cap_used_fen(firm) == subsidy_fen
    assert Transfer.objects.filter(kind="subsidy_hold").count() == (1 if subsidy_fen else 0)
    assert_ledger_ok("SH2025")


def test_the_subsidy_is_limited_by_the_vouchers_free_balance(
    firm_client: APIClient,
    offering: Offering,
    issue_voucher: IssueVoucher,
    firm_admin: User,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    small = issue_voucher(firm_admin, face_value_fen=5000)

    body = _place(firm_client, offering, small).json()

    assert (body["gross_fen"], body["subsidy_fen"], body["firm_pays_fen"]) == (20000, 5000, 15000)
    assert voucher_figures(small) == VoucherFigures(available_fen=0, held_fen=5000, used_fen=0)
    assert cap_used_fen(firm) == 5000
    assert firm_client.get(f"/api/v1/vouchers/{small.pk}").json()["status"] == "exhausted"
    assert_ledger_ok("SH2025")


def test_the_subsidy_is_limited_by_the_firms_remaining_cap(
    firm_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    firm: Organisation,
    programme: Programme,
    assert_ledger_ok: LedgerOk,
) -> None:
    BudgetPool.objects.filter(programme=programme, category="compute").update(firm_cap_fen=10000)
    first = _place(firm_client, offering, voucher).json()

    second = _place(firm_client, offering, voucher).json()

    assert (first["subsidy_fen"], second["subsidy_fen"]) == (6000, 4000)
    assert second["firm_pays_fen"] == 16000
    cap = FirmCapUsage.objects.get(firm=firm)
    assert (cap.cap_fen, cap.used_fen, cap.category) == (10000, 10000, "compute")
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=FACE - 10000, held_fen=10000, used_fen=0
    )
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize("voucher_field", ["null", "absent"])
def test_an_order_without_a_voucher_has_no_subsidy(
    voucher_field: str,
    firm_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    transfers = Transfer.objects.count()
    body: dict[str, Any] = {"offering": str(offering.pk), "quantity": "10"}
    if voucher_field == "null":
        body["voucher"] = None

    response = firm_client.post("/api/v1/orders", body)

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["gross_fen"], data["subsidy_fen"], data["firm_pays_fen"]) == (20000, 0, 20000)
    assert data["voucher"] is None
    assert Transfer.objects.count() == transfers
    assert voucher_figures(voucher) == UNTOUCHED
    assert cap_used_fen(firm) == 0
    assert FirmCapUsage.objects.count() == 0
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize(
    "quantity",
    [
        "1.0005",  # GPU hours go to 0.001
        "0.0001",
        "0.0000001",
        "0",
        "0.000",
        "-1",
        "-0.001",
        "1000000000.001",
        "1000000001",
        "1e30",
        "99999999999999999999999",
        "abc",
        "",
        "NaN",
        "Infinity",
        "-Infinity",
        None,
        [],
        {"value": "1"},
    ],
)
def test_a_bad_gpu_hour_quantity_is_400(
    quantity: Any,
    firm_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    nothing_written: NothingWritten,
) -> None:
    with nothing_written():
        response = _place(firm_client, offering, voucher, quantity=quantity)

    assert _error(response) == (400, "validation_error")
    assert list(response.json()["error"]["fields"]) == ["quantity"]


@pytest.mark.parametrize("quantity", ["0.001", "1.5", "999.999", "1000000000", 7])
def test_gpu_hours_go_to_a_thousandth(
    quantity: Any,
    firm_client: APIClient,
    offering: Offering,
    assert_ledger_ok: LedgerOk,
) -> None:
    response = _place(firm_client, offering, None, quantity=quantity)

    assert response.status_code == 201, response.json()
    assert Decimal(response.json()["quantity"]) == Decimal(str(quantity))
    assert response.json()["gross_fen"] == int(Decimal(str(quantity)) * 2000)
    assert_ledger_ok("SH2025")


def test_a_huge_order_total_is_400(
    firm_client: APIClient,
    make_offering: MakeOffering,
    provider_admin: User,
    voucher: Voucher,
    nothing_written: NothingWritten,
) -> None:
    dear = make_offering(provider_admin, unit_price_fen=2**63 - 1)

    with nothing_written():
        response = _place(firm_client, dear, voucher, quantity="2")

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == {"quantity": ["Out of range."]}


def test_data_sets_are_ordered_whole(
    firm_client: APIClient,
    make_provider: MakeProvider,
    make_offering: MakeOffering,
    issue_voucher: IssueVoucher,
    firm_admin: User,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    seller = make_provider(categories=("data",))
    corpus = make_offering(
        seller, category="data", unit="dataset", unit_price_fen=150000, name="Legal corpus"
    )
    data_voucher = issue_voucher(firm_admin, category="data", face_value_fen=100000)

    with nothing_written():
        fractional = _place(firm_client, corpus, data_voucher, quantity="1.5")
    whole = _place(firm_client, corpus, data_voucher, quantity="2")

    assert _error(fractional) == (400, "validation_error")
    assert fractional.json()["error"]["fields"] == {
        "quantity": ["At most 0 decimal places for dataset."]
    }
    assert whole.status_code == 201, whole.json()
    body = whole.json()
    assert (body["quantity"], body["gross_fen"], body["subsidy_fen"]) == ("2.000000", 300000, 90000)
    assert body["firm_pays_fen"] == 210000
    assert voucher_figures(data_voucher) == VoucherFigures(
        available_fen=10000, held_fen=90000, used_fen=0
    )
    assert_ledger_ok("SH2025")


def test_unknown_offerings_and_other_firms_vouchers_are_400(
    firm_client: APIClient,
    offering: Offering,
    issue_voucher: IssueVoucher,
    nothing_written: NothingWritten,
) -> None:
    someone_elses = issue_voucher(user_with_role(Role.FIRM_ADMIN))

    with nothing_written():
        unknown = firm_client.post(
            "/api/v1/orders",
            {"offering": "00000000-0000-0000-0000-000000000000", "quantity": "1"},
        )
        not_a_uuid = firm_client.post("/api/v1/orders", {"offering": "A100", "quantity": "1"})
        foreign = _place(firm_client, offering, someone_elses)

    assert _error(unknown) == (400, "validation_error")
    assert unknown.json()["error"]["fields"] == {"offering": ["No such offering."]}
    assert _error(not_a_uuid) == (400, "validation_error")
    assert list(not_a_uuid.json()["error"]["fields"]) == ["offering"]
    assert _error(foreign) == (400, "validation_error")
    assert foreign.json()["error"]["fields"] == {"voucher": ["No such voucher."]}


@pytest.mark.parametrize(
    "role", [Role.PROVIDER_ADMIN, Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR]
)
def test_only_firms_order(
    role: str,
    client_for: ClientFor,
    offering: Offering,
    voucher: Voucher,
    nothing_written: NothingWritten,
) -> None:
    client = client_for(user_with_role(role))
    with nothing_written():
        response = _place(client, offering, voucher)

    assert _error(response) == (403, "permission_denied")


def test_a_firm_member_may_order(
    client_for: ClientFor,
    firm: Organisation,
    offering: Offering,
    voucher: Voucher,
    assert_ledger_ok: LedgerOk,
) -> None:
    member = user_with_role(Role.FIRM_MEMBER, firm)

    response = _place(client_for(member), offering, voucher)

    assert response.status_code == 201, response.json()
    assert (response.json()["firm"], response.json()["subsidy_fen"]) == (str(firm.pk), 6000)
    assert Order.objects.get().placed_by_id == member.pk
    assert_ledger_ok("SH2025")


# --- refusals: one test per 422 code, each writing nothing ---------------------------------


def test_category_mismatch(
    firm_client: APIClient,
    offering: Offering,
    issue_voucher: IssueVoucher,
    firm_admin: User,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    model_voucher = issue_voucher(firm_admin, category="model")

    with nothing_written():
        response = _place(firm_client, offering, model_voucher)

    assert _error(response) == (422, "category_mismatch")
    assert Order.objects.count() == 0
    assert_ledger_ok("SH2025")


def test_provider_not_accredited_at_order_time(
    firm_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    accreditation: Accreditation,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    # Suspended behind the service's back, so the offering stays listed: the order itself
    # must check the accreditation.
    Accreditation.objects.filter(pk=accreditation.pk).update(status=Accreditation.Status.SUSPENDED)

    with nothing_written():
        response = _place(firm_client, offering, voucher)

    assert _error(response) == (422, "provider_not_accredited")
    assert Offering.objects.get(pk=offering.pk).status == Offering.Status.ACTIVE
    assert voucher_figures(voucher) == UNTOUCHED
    assert_ledger_ok("SH2025")


def test_related_party_by_the_same_legal_representative(
    client_for: ClientFor,
    offering: Offering,
    provider: Organisation,
    issue_voucher: IssueVoucher,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    # The same credit code is impossible (it is unique); one person behind both is not.
    sister = FirmFactory.create(legal_representative=provider.legal_representative)
    admin = user_with_role(Role.FIRM_ADMIN, sister)
    sister_voucher = issue_voucher(admin)

    with nothing_written():
        response = _place(client_for(admin), offering, sister_voucher)

    assert _error(response) == (422, "related_party")
    assert voucher_figures(sister_voucher) == UNTOUCHED
    assert_ledger_ok("SH2025")


def test_related_party_declared_by_the_firm(
    firm_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    firm: Organisation,
    provider: Organisation,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    AffiliationFactory(organisation=firm, credit_code=provider.credit_code)

    with nothing_written():
        response = _place(firm_client, offering, voucher)

    assert _error(response) == (422, "related_party")
    assert response.json()["error"]["message"] == (
        f"{firm.name} and {provider.name} are related parties; the subsidy does not apply "
        "between them."
    )
    assert_ledger_ok("SH2025")


def test_related_party_declared_by_the_provider(
    firm_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    firm: Organisation,
    provider: Organisation,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    AffiliationFactory(organisation=provider, credit_code=firm.credit_code)

    with nothing_written():
        response = _place(firm_client, offering, voucher)

    assert _error(response) == (422, "related_party")
    assert_ledger_ok("SH2025")


def test_an_unrelated_affiliation_does_not_refuse(
    firm_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    AffiliationFactory(organisation=firm)

    response = _place(firm_client, offering, voucher)

    assert response.status_code == 201, response.json()
    assert response.json()["subsidy_fen"] == 6000
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize("swept", [False, True], ids=["lapsed", "swept_by_expiry_job"])
def test_voucher_expired(
    swept: bool,
    client_for: ClientFor,
    firm_admin: User,
    offering: Offering,
    voucher: Voucher,
    time_machine: TimeMachineFixture,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    time_machine.move_to(voucher.valid_until + dt.timedelta(seconds=1))
    if swept:
        assert vouchers.vouchers_expire_due() == 1
    client = client_for(firm_admin)  # a token issued now: the one from a year ago has lapsed

    with nothing_written():
        response = _place(client, offering, voucher)

    assert _error(response) == (422, "voucher_expired")
    assert response.json()["error"]["message"] == (
        f"Voucher {voucher.code} expired on {voucher.valid_until.date().isoformat()}."
    )
    assert_ledger_ok("SH2025")


def test_voucher_revoked(
    firm_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    officer: User,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    vouchers.voucher_revoke(voucher=voucher, reason="Fraudulent application", actor=officer)

    with nothing_written():
        response = _place(firm_client, offering, voucher)

    assert _error(response) == (422, "voucher_revoked")
    assert_ledger_ok("SH2025")


def test_insufficient_budget(
    firm_client: APIClient,
    offering: Offering,
    issue_voucher: IssueVoucher,
    firm_admin: User,
    firm: Organisation,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    spent = issue_voucher(firm_admin, face_value_fen=6000)
    _placed(firm_client, offering, spent)
    assert voucher_figures(spent) == VoucherFigures(available_fen=0, held_fen=6000, used_fen=0)

    with nothing_written():
        response = _place(firm_client, offering, spent)

    assert _error(response) == (422, "insufficient_budget")
    assert Order.objects.count() == 1
    assert cap_used_fen(firm) == 6000
    assert_ledger_ok("SH2025")


def test_firm_cap_reached(
    firm_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    firm: Organisation,
    programme: Programme,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    BudgetPool.objects.filter(programme=programme, category="compute").update(firm_cap_fen=6000)
    _placed(firm_client, offering, voucher)
    cap = FirmCapUsage.objects.get(firm=firm)
    assert (cap.cap_fen, cap.used_fen) == (6000, 6000)

    with nothing_written():
        response = _place(firm_client, offering, voucher)

    assert _error(response) == (422, "firm_cap_reached")
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=FACE - 6000, held_fen=6000, used_fen=0
    )
    assert_ledger_ok("SH2025")


def test_price_changed(
    firm_client: APIClient,
    provider_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    patched = provider_client.patch(f"/api/v1/offerings/{offering.pk}", {"unit_price_fen": 2400})
    assert patched.status_code == 200, patched.json()

    with nothing_written():
        response = _place(firm_client, offering, voucher, unit_price_fen=2000)

    assert _error(response) == (422, "price_changed")
    current = _place(firm_client, offering, voucher, unit_price_fen=2400)
    assert current.status_code == 201, current.json()
    assert (current.json()["gross_fen"], current.json()["subsidy_fen"]) == (24000, 7200)
    assert_ledger_ok("SH2025")


# --- the lifecycle -----------------------------------------------------------------------


def test_a_partly_delivered_order_captures_its_share_of_the_subsidy(
    firm_client: APIClient,
    provider_client: APIClient,
    pending_order: str,
    voucher: Voucher,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    accepted = _acted(provider_client, pending_order, "accept")
    assert accepted["status"] == "accepted"
    assert accepted["accepted_at"] is not None

    first = _deliver(provider_client, pending_order, "3", "FP-0001")
    assert first.status_code == 201, first.json()
    delivery = Delivery.objects.get(invoice_number="FP-0001")
    assert first.json() == {
        "id": str(delivery.pk),
        "order": pending_order,
        "quantity": "3.000000",
        "invoice_number": "FP-0001",
        "created_at": first.json()["created_at"],
    }
    assert _deliver(provider_client, pending_order, "4.5", "FP-0002").status_code == 201
    listed = provider_client.get(f"/api/v1/orders/{pending_order}/deliveries").json()["results"]
    assert sorted(row["quantity"] for row in listed) == ["3.000000", "4.500000"]

    completed = _acted(provider_client, pending_order, "complete")
    assert (completed["status"], completed["delivered_quantity"]) == (
        "awaiting_confirmation",
        "7.500000",
    )
    assert voucher_figures(voucher).held_fen == 6000

    confirmed = _acted(firm_client, pending_order, "confirm")

    assert confirmed["status"] == "completed"
    assert confirmed["captured_subsidy_fen"] == 4500  # floor(6000 × 7.5 / 10)
    assert confirmed["resolved_at"] is not None
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=FACE - 4500, held_fen=0, used_fen=4500
    )
    assert cap_used_fen(firm) == 4500
    assert _holds(pending_order) == [("pending", 6000), ("post", 4500)]
    assert_ledger_ok("SH2025")


def test_the_captured_share_rounds_down(
    firm_client: APIClient,
    provider_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    order_id = _placed(firm_client, offering, voucher, quantity="3")  # subsidy 1800
    _acted(provider_client, order_id, "accept")
    assert _deliver(provider_client, order_id, "1.001").status_code == 201
    _acted(provider_client, order_id, "complete")

    confirmed = _acted(firm_client, order_id, "confirm")

    assert confirmed["captured_subsidy_fen"] == 600  # floor(1800 × 1.001 / 3) = floor(600.6)
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=FACE - 600, held_fen=0, used_fen=600
    )
    assert cap_used_fen(firm) == 600
    assert_ledger_ok("SH2025")


def test_a_fully_delivered_order_captures_the_whole_subsidy(
    firm_client: APIClient,
    provider_client: APIClient,
    accepted_order: str,
    voucher: Voucher,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    assert _deliver(provider_client, accepted_order, "10").status_code == 201
    _acted(provider_client, accepted_order, "complete")

    confirmed = _acted(firm_client, accepted_order, "confirm")

    assert (confirmed["status"], confirmed["captured_subsidy_fen"]) == ("completed", 6000)
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=FACE - 6000, held_fen=0, used_fen=6000
    )
    assert cap_used_fen(firm) == 6000
    assert _holds(accepted_order) == [("pending", 6000), ("post", 6000)]
    assert_ledger_ok("SH2025")


def test_cancel_releases_the_whole_hold(
    firm_client: APIClient,
    pending_order: str,
    voucher: Voucher,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    assert voucher_figures(voucher).held_fen == 6000

    cancelled = _acted(firm_client, pending_order, "cancel")

    assert cancelled["status"] == "cancelled"
    assert cancelled["captured_subsidy_fen"] is None
    assert voucher_figures(voucher) == UNTOUCHED
    assert cap_used_fen(firm) == 0
    assert _holds(pending_order) == [("pending", 6000), ("void", 0)]
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize("accept_first", [False, True], ids=["pending", "accepted"])
def test_reject_releases_the_whole_hold(
    accept_first: bool,
    provider_client: APIClient,
    pending_order: str,
    voucher: Voucher,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    if accept_first:
        _acted(provider_client, pending_order, "accept")

    rejected = _acted(provider_client, pending_order, "reject", {"reason": "No capacity"})

    assert (rejected["status"], rejected["reason"]) == ("rejected", "No capacity")
    assert voucher_figures(voucher) == UNTOUCHED
    assert cap_used_fen(firm) == 0
    assert _holds(pending_order) == [("pending", 6000), ("void", 0)]
    assert_ledger_ok("SH2025")


def test_a_reject_needs_a_reason(
    provider_client: APIClient, pending_order: str, nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = _act(provider_client, pending_order, "reject", {})

    assert _error(response) == (400, "validation_error")
    assert list(response.json()["error"]["fields"]) == ["reason"]


def test_a_dispute_resolved_as_confirmed_captures_the_delivered_share(
    officer_client: APIClient,
    disputed_order: str,
    voucher: Voucher,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    assert Order.objects.get(pk=disputed_order).status == Order.Status.DISPUTED
    assert Order.objects.get(pk=disputed_order).reason == "Only 5 hours ran"

    resolved = _acted(officer_client, disputed_order, "resolve", {"outcome": "confirm"})

    assert (resolved["status"], resolved["captured_subsidy_fen"]) == ("completed", 4200)
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=FACE - 4200, held_fen=0, used_fen=4200
    )
    assert cap_used_fen(firm) == 4200
    assert_ledger_ok("SH2025")


def test_a_dispute_resolved_as_void_releases_the_whole_hold(
    officer_client: APIClient,
    disputed_order: str,
    voucher: Voucher,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    resolved = _acted(officer_client, disputed_order, "resolve", {"outcome": "void"})

    assert (resolved["status"], resolved["captured_subsidy_fen"]) == ("voided", None)
    assert voucher_figures(voucher) == UNTOUCHED
    assert cap_used_fen(firm) == 0
    assert _holds(disputed_order) == [("pending", 6000), ("void", 0)]
    assert_ledger_ok("SH2025")


def test_a_hold_released_after_revocation_returns_to_the_pool(
    firm_client: APIClient,
    pending_order: str,
    voucher: Voucher,
    officer: User,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    vouchers.voucher_revoke(voucher=voucher, reason="Fraud", actor=officer)
    assert Voucher.objects.get(pk=voucher.pk).returned_fen == FACE - 6000

    _acted(firm_client, pending_order, "cancel")

    assert voucher_figures(voucher) == VoucherFigures(available_fen=0, held_fen=0, used_fen=0)
    assert Voucher.objects.get(pk=voucher.pk).returned_fen == FACE
    assert cap_used_fen(firm) == 0
    assert_ledger_ok("SH2025")


def test_a_resolve_needs_a_known_outcome(
    officer_client: APIClient, disputed_order: str, nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = _act(officer_client, disputed_order, "resolve", {"outcome": "split"})

    assert _error(response) == (400, "validation_error")
    assert list(response.json()["error"]["fields"]) == ["outcome"]


def test_deliveries_adding_up_to_more_than_ordered_are_400(
    provider_client: APIClient, accepted_order: str, nothing_written: NothingWritten
) -> None:
    assert _deliver(provider_client, accepted_order, "6").status_code == 201

    with nothing_written():
        response = _deliver(provider_client, accepted_order, "4.001", "FP-2")

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == {"quantity": ["At most 4."]}
    assert _deliver(provider_client, accepted_order, "4", "FP-3").status_code == 201
    assert Order.objects.get(pk=accepted_order).delivered_quantity == Decimal(10)


@pytest.mark.parametrize(
    "body",
    [
        {"quantity": "0", "invoice_number": "FP-1"},
        {"quantity": "-1", "invoice_number": "FP-1"},
        {"quantity": "0.0001", "invoice_number": "FP-1"},
        {"quantity": "1", "invoice_number": ""},
        {"quantity": "1", "invoice_number": "FP 1; DROP"},
        {"quantity": "1"},
    ],
)
def test_a_bad_delivery_is_400(
    body: dict[str, Any],
    provider_client: APIClient,
    accepted_order: str,
    nothing_written: NothingWritten,
) -> None:
    with nothing_written():
        response = _act(provider_client, accepted_order, "deliveries", body)

    assert _error(response) == (400, "validation_error")


def test_completing_with_nothing_delivered_is_409(
    provider_client: APIClient, accepted_order: str, nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = _act(provider_client, accepted_order, "complete")

    assert _error(response) == (409, "invalid_state")
    assert response.json()["error"]["message"] == (
        "Nothing was delivered: reject the order instead."
    )


@pytest.mark.parametrize(
    ("stage", "who", "action", "body"),
    [
        ("pending", "firm", "confirm", None),
        ("pending", "firm", "dispute", {"reason": "x"}),
        ("pending", "provider", "deliveries", {"quantity": "1", "invoice_number": "FP-1"}),
        ("pending", "provider", "complete", None),
        ("pending", "officer", "resolve", {"outcome": "confirm"}),
        ("accepted", "firm", "cancel", None),
        ("accepted", "provider", "accept", None),
        ("accepted", "firm", "confirm", None),
        ("awaiting", "firm", "cancel", None),
        ("awaiting", "provider", "reject", {"reason": "x"}),
        ("awaiting", "provider", "deliveries", {"quantity": "1", "invoice_number": "FP-9"}),
        ("awaiting", "provider", "complete", None),
        ("awaiting", "officer", "resolve", {"outcome": "void"}),
        ("disputed", "firm", "confirm", None),
        ("disputed", "firm", "dispute", {"reason": "again"}),
        ("completed", "firm", "confirm", None),
        ("completed", "firm", "dispute", {"reason": "late"}),
        ("completed", "provider", "reject", {"reason": "x"}),
        ("cancelled", "provider", "accept", None),
        ("cancelled", "firm", "cancel", None),
        ("delivered", "provider", "reject", {"reason": "x"}),
        ("delivered", "firm", "cancel", None),
        ("delivered", "firm", "confirm", None),
    ],
)
def test_the_wrong_state_is_409(
    stage: str,
    who: str,
    action: str,
    body: Any,
    request: pytest.FixtureRequest,
    firm_client: APIClient,
    provider_client: APIClient,
    officer_client: APIClient,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    fixture = {
        "pending": "pending_order",
        "accepted": "accepted_order",
        "awaiting": "awaiting_order",
        "disputed": "disputed_order",
        "completed": "awaiting_order",
        "cancelled": "pending_order",
        "delivered": "accepted_order",
    }[stage]
    order_id: str = request.getfixturevalue(fixture)
    if stage == "completed":
        _acted(firm_client, order_id, "confirm")
    if stage == "cancelled":
        _acted(firm_client, order_id, "cancel")
    if stage == "delivered":
        assert _deliver(provider_client, order_id, "1").status_code == 201
    client = {"firm": firm_client, "provider": provider_client, "officer": officer_client}[who]

    with nothing_written():
        response = _act(client, order_id, action, body)

    assert _error(response) == (409, "invalid_state")
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize(
    ("who", "action", "body"),
    [
        ("other_firm", "cancel", None),
        ("other_firm", "confirm", None),
        ("other_firm", "dispute", {"reason": "x"}),
        ("other_provider", "accept", None),
        ("other_provider", "reject", {"reason": "x"}),
        ("other_provider", "deliveries", {"quantity": "1", "invoice_number": "FP-1"}),
        ("other_provider", "complete", None),
    ],
)
def test_another_partys_order_is_404(
    who: str,
    action: str,
    body: Any,
    client_for: ClientFor,
    make_provider: MakeProvider,
    pending_order: str,
    nothing_written: NothingWritten,
) -> None:
    stranger = make_provider() if who == "other_provider" else user_with_role(Role.FIRM_ADMIN)
    client = client_for(stranger)

    with nothing_written():
        response = _act(client, pending_order, action, body)
        seen = client.get(f"/api/v1/orders/{pending_order}")
        listed = client.get("/api/v1/orders")

    assert _error(response) == (404, "not_found")
    assert _error(seen) == (404, "not_found")
    assert listed.json()["results"] == []


@pytest.mark.parametrize(
    ("role", "action", "body"),
    [
        (Role.FIRM_ADMIN, "accept", None),
        (Role.FIRM_ADMIN, "reject", {"reason": "x"}),
        (Role.FIRM_ADMIN, "deliveries", {"quantity": "1", "invoice_number": "FP-1"}),
        (Role.FIRM_ADMIN, "complete", None),
        (Role.FIRM_ADMIN, "resolve", {"outcome": "void"}),
        (Role.PROVIDER_ADMIN, "cancel", None),
        (Role.PROVIDER_ADMIN, "confirm", None),
        (Role.PROVIDER_ADMIN, "dispute", {"reason": "x"}),
        (Role.PROVIDER_ADMIN, "resolve", {"outcome": "void"}),
        (Role.PROGRAMME_OFFICER, "accept", None),
        (Role.PROGRAMME_OFFICER, "confirm", None),
        (Role.FINANCE_OFFICER, "resolve", {"outcome": "void"}),
        (Role.AUDITOR, "resolve", {"outcome": "confirm"}),
        (Role.AUDITOR, "cancel", None),
    ],
)
def test_the_wrong_role_is_403(
    role: str,
    action: str,
    body: Any,
    client_for: ClientFor,
    firm_admin: User,
    provider_admin: User,
    officer: User,
    disputed_order: str,
    nothing_written: NothingWritten,
) -> None:
    # The parties themselves, where the role is theirs, so only the role can be at fault.
    parties: dict[str, User] = {
        Role.FIRM_ADMIN: firm_admin,
        Role.PROVIDER_ADMIN: provider_admin,
        Role.PROGRAMME_OFFICER: officer,
    }
    actor = parties.get(role) or user_with_role(role)

    with nothing_written():
        response = _act(client_for(actor), disputed_order, action, body)

    assert _error(response) == (403, "permission_denied")


def test_who_sees_an_order(
    client_for: ClientFor,
    firm_client: APIClient,
    provider_client: APIClient,
    officer_client: APIClient,
    firm: Organisation,
    pending_order: str,
) -> None:
    member = client_for(user_with_role(Role.FIRM_MEMBER, firm))
    auditor = client_for(user_with_role(Role.AUDITOR))

    for client in (firm_client, member, provider_client, officer_client, auditor):
        response = client.get(f"/api/v1/orders/{pending_order}")
        assert response.status_code == 200, response.json()
        assert response.json()["id"] == pending_order
        assert [row["id"] for row in client.get("/api/v1/orders").json()["results"]] == [
            pending_order
        ]


# --- the beat jobs -----------------------------------------------------------------------


def test_auto_confirm_after_the_dispute_window_and_not_before(
    awaiting_order: str,
    disputed_order_elsewhere: str,
    voucher: Voucher,
    firm: Organisation,
    time_machine: TimeMachineFixture,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    completed_at = Order.objects.get(pk=awaiting_order).completed_at
    assert completed_at is not None

    time_machine.move_to(completed_at + dt.timedelta(days=7, minutes=-1))
    with nothing_written():
        assert tasks.auto_confirm_orders() == 0

    time_machine.move_to(completed_at + dt.timedelta(days=7, seconds=1))
    assert tasks.auto_confirm_orders() == 1

    order = Order.objects.get(pk=awaiting_order)
    assert (order.status, order.captured_subsidy_fen) == (Order.Status.COMPLETED, 4200)
    assert Order.objects.get(pk=disputed_order_elsewhere).status == Order.Status.DISPUTED
    assert AuditEvent.objects.filter(action="order.auto_confirmed").count() == 1
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=FACE - 4200 - 6000, held_fen=6000, used_fen=4200
    )
    assert cap_used_fen(firm) == 4200 + 6000
    with nothing_written():
        assert tasks.auto_confirm_orders() == 0
    assert_ledger_ok("SH2025")


@pytest.fixture
def disputed_order_elsewhere(
    firm_client: APIClient, provider_client: APIClient, offering: Offering, voucher: Voucher
) -> str:
    """A second order of the same firm, completed and disputed at once: the job leaves it."""
    order_id = _placed(firm_client, offering, voucher)
    _acted(provider_client, order_id, "accept")
    assert _deliver(provider_client, order_id, "10", "FP-ELSEWHERE").status_code == 201
    _acted(provider_client, order_id, "complete")
    _acted(firm_client, order_id, "dispute", {"reason": "Broken GPUs"})
    return order_id


def test_unaccepted_orders_expire_after_seven_days_and_not_before(
    firm_client: APIClient,
    provider_client: APIClient,
    offering: Offering,
    pending_order: str,
    voucher: Voucher,
    firm: Organisation,
    time_machine: TimeMachineFixture,
    nothing_written: NothingWritten,
    assert_ledger_ok: LedgerOk,
) -> None:
    accepted = _placed(firm_client, offering, voucher)
    _acted(provider_client, accepted, "accept")
    created_at = Order.objects.get(pk=pending_order).created_at

    time_machine.move_to(created_at + dt.timedelta(days=7, minutes=-1))
    with nothing_written():
        assert tasks.expire_unaccepted_orders() == 0

    time_machine.move_to(created_at + dt.timedelta(days=7, minutes=1))
    assert tasks.expire_unaccepted_orders() == 1

    order = Order.objects.get(pk=pending_order)
    assert order.status == Order.Status.EXPIRED
    assert order.resolved_at is not None
    assert Order.objects.get(pk=accepted).status == Order.Status.ACCEPTED
    assert _holds(pending_order) == [("pending", 6000), ("void", 0)]
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=FACE - 6000, held_fen=6000, used_fen=0
    )
    assert cap_used_fen(firm) == 6000
    with nothing_written():
        assert tasks.expire_unaccepted_orders() == 0
    assert_ledger_ok("SH2025")


# --- idempotency keys ----------------------------------------------------------------------


def test_a_replayed_order_is_placed_once(
    firm_client: APIClient,
    offering: Offering,
    voucher: Voucher,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    first = _place(firm_client, offering, voucher, key="order-1")
    replay = _place(firm_client, offering, voucher, key="order-1")

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Order.objects.count() == 1
    assert Transfer.objects.filter(kind="subsidy_hold").count() == 1
    assert voucher_figures(voucher).held_fen == 6000
    assert cap_used_fen(firm) == 6000
    assert_ledger_ok("SH2025")


def test_an_order_key_reused_with_another_body_is_409(
    firm_client: APIClient, offering: Offering, voucher: Voucher, nothing_written: NothingWritten
) -> None:
    _placed(firm_client, offering, voucher, key="order-1")

    with nothing_written():
        response = _place(firm_client, offering, voucher, quantity="11", key="order-1")

    assert _error(response) == (409, "idempotency_key_reused")


def test_a_replayed_refusal_is_still_a_refusal(
    firm_client: APIClient,
    offering: Offering,
    issue_voucher: IssueVoucher,
    firm_admin: User,
    nothing_written: NothingWritten,
) -> None:
    model_voucher = issue_voucher(firm_admin, category="model")
    first = _place(firm_client, offering, model_voucher, key="order-x")

    with nothing_written():
        replay = _place(firm_client, offering, model_voucher, key="order-x")

    assert _error(first) == _error(replay) == (422, "category_mismatch")
    assert replay["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 0


def test_a_replayed_delivery_is_recorded_once(
    provider_client: APIClient, accepted_order: str, nothing_written: NothingWritten
) -> None:
    body = {"quantity": "2.5", "invoice_number": "FP-0001"}
    path = f"/api/v1/orders/{accepted_order}/deliveries"
    first = provider_client.post(path, body, HTTP_IDEMPOTENCY_KEY="delivery-1")

    with nothing_written():
        replay = provider_client.post(path, body, HTTP_IDEMPOTENCY_KEY="delivery-1")
        reused = provider_client.post(
            path, {**body, "quantity": "3"}, HTTP_IDEMPOTENCY_KEY="delivery-1"
        )

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert _error(reused) == (409, "idempotency_key_reused")
    assert Delivery.objects.filter(order_id=accepted_order).count() == 1
    assert Order.objects.get(pk=accepted_order).delivered_quantity == Decimal("2.5")
