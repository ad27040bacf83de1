"""A settlement world built through the real services: the SH2025 programme, a programme
officer, two finance officers (a maker who requests and submits batches, a checker who
approves them), and providers whose orders were placed, delivered and confirmed, so that their
payables owe them captured subsidy.

Batches are requested through the API. Their preparation is a Celery task enqueued on commit
(eager in tests); the test's transaction never commits, so `World` runs the on-commit
callbacks of each request itself, as a real commit would.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from accounts.roles import Role
from ledger import services as ledger
from ledger.models import Account
from marketplace import services as marketplace
from marketplace.models import Order, Unit
from programmes.models import BudgetPool, Programme
from providers import services as providers
from providers.models import Accreditation, BankAccount
from tests.clock import NOW
from tests.factories import (
    delivered_order,
    listed_offering,
    placed_order,
    seeded_programme,
    user_with_role,
)
from vouchers import services as vouchers
from vouchers.models import Voucher

CODE = "SH2025"
RATE_BPS = {"compute": 3000, "model": 5000, "data": 3000}
UNIT = {"compute": Unit.GPU_HOUR, "model": Unit.MILLION_TOKENS, "data": Unit.DATASET}
VOUCHER_FACE_FEN = 1_000_000
HEADER = "value_date,reference,amount,currency,counterparty_account,description"
BATCHES = "/api/v1/payout-batches"
STATEMENTS = "/api/v1/bank-statements"
EXCEPTIONS = "/api/v1/reconciliation-exceptions"
CLAWBACKS = "/api/v1/clawbacks"
AUDIT_EVENTS = "/api/v1/audit-events"

AssertLedgerOk = Callable[..., None]
OnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def settlement_clock(clock: Any) -> Any:
    """The clock starts at NOW and runs; `world` uses it, so every test built on it does."""
    clock.move_to(NOW, tick=True)
    return clock


def price_for(subsidy_fen: int, category: str) -> int:
    """The smallest unit price whose subsidy at the category's rate is exactly `subsidy_fen`
    (`floor(price × rate)`, DESIGN.md 2 step 3)."""
    rate = RATE_BPS[category]
    price = -(-subsidy_fen * 10_000 // rate)
    assert price * rate // 10_000 == subsidy_fen
    return price


def yuan(fen: int) -> str:
    """How the bank writes an amount (written out here, not borrowed from core.money)."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def statement(*lines: str, bom: bool = False) -> bytes:
    text = "\n".join([HEADER, *lines]) + "\n"
    return (("\ufeff" if bom else "") + text).encode()


def paid_line(
    payout: dict[str, Any],
    *,
    amount_fen: int | None = None,
    value_date: str = "2026-03-12",
    currency: str = "CNY",
    description: str = "Subsidy reimbursement",
) -> str:
    """The bank's line for a payment of `payout` (negative: money leaving the programme)."""
    amount = -(payout["amount_fen"] if amount_fen is None else amount_fen)
    return f"{value_date},{payout['reference']},{yuan(amount)},{currency},6217000099,{description}"


def returned_line(
    payout: dict[str, Any],
    *,
    amount_fen: int | None = None,
    value_date: str = "2026-03-14",
    description: str = "Returned: account closed",
) -> str:
    """The bank's line for `payout` coming back (positive)."""
    amount = payout["amount_fen"] if amount_fen is None else amount_fen
    return f"{value_date},{payout['reference']},{yuan(amount)},CNY,6217000099,{description}"


def payout_of(batch: dict[str, Any], provider: User | Organisation) -> dict[str, Any]:
    organisation = provider.organisation if isinstance(provider, User) else provider
    assert organisation is not None
    (payout,) = [p for p in batch["payouts"] if p["provider"] == str(organisation.pk)]
    return payout


def amounts_by_provider(batch: dict[str, Any]) -> dict[str, tuple[int, str]]:
    return {p["provider"]: (p["amount_fen"], p["status"]) for p in batch["payouts"]}


def error_of(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def payable(provider: User, category: str = "compute") -> Account:
    assert provider.organisation is not None
    return Accreditation.objects.get(
        provider=provider.organisation, programme__code=CODE, category=category
    ).payable_account


def payable_due(provider: User, category: str = "compute") -> int:
    """What the provider's payable still owes it: posted credits less every debit."""
    return ledger.balances_of([payable(provider, category)])[
        payable(provider, category).pk
    ].available


def account_balance(code: str) -> ledger.Balance:
    account = Account.objects.get(ledger=CODE, code=code)
    return ledger.balances_of([account])[account.pk]


def pool_available(category: str = "compute") -> int:
    account = BudgetPool.objects.get(programme__code=CODE, category=category).account
    account.refresh_from_db()
    return account.credits_posted - account.debits_posted - account.debits_pending


@dataclass
class World:
    """The programme, its staff and helpers that drive the services and the API."""

    programme: Programme
    officer: User
    maker: User
    checker: User
    client_for: Callable[[User], APIClient]
    on_commit: OnCommit
    _clients: dict[Any, APIClient] = field(default_factory=dict)

    # --- clients ----------------------------------------------------------------------

    def client(self, user: User | None = None) -> APIClient:
        user = user or self.maker
        if user.pk not in self._clients:
            self._clients[user.pk] = self.client_for(user)
        return self._clients[user.pk]

    def post(self, user: User, url: str, data: Any = None, **kwargs: Any) -> Any:
        """POST as `user`, then run what the request scheduled on commit (tasks, e-mails)."""
        kwargs.setdefault("format", "json")
        with self.on_commit(execute=True):
            response = self.client(user).post(url, data or {}, **kwargs)
        return response

    # --- providers and captured subsidy -----------------------------------------------

    def provider(self, categories: tuple[str, ...] = ("compute",), *, bank: bool = True) -> User:
        """A provider admin, accredited in `categories`, with a bank account unless `bank` is
        False."""
        admin = user_with_role(Role.PROVIDER_ADMIN)
        request = providers.accreditation_request_submit(
            actor=admin, programme=self.programme, categories=list(categories)
        )
        providers.accreditation_request_approve(request=request, actor=self.officer)
        if bank:
            self.bank_account(admin)
        return admin

    def bank_account(self, admin: User) -> BankAccount:
        assert admin.organisation is not None
        name = admin.organisation.name
        return providers.bank_account_set(
            actor=admin,
            account_name=f"{name} account",
            account_number=f"62170000{admin.organisation.credit_code[8:16]}",
            bank_name="Bank of Shanghai",
        )

    def voucher(self, category: str = "compute", face_value_fen: int = VOUCHER_FACE_FEN) -> Voucher:
        """A new firm's voucher, applied for and approved through the services."""
        application = vouchers.voucher_application_submit(
            actor=user_with_role(Role.FIRM_ADMIN),
            programme=self.programme,
            category=category,
            requested_fen=face_value_fen,
            justification="Adopting AI",
        )
        return vouchers.voucher_issue(
            application=application, approved_fen=face_value_fen, actor=self.officer
        )

    def place(self, admin: User, subsidy_fen: int, category: str = "compute") -> Order:
        """A new firm's order for one unit of a new offering of the provider, priced so that
        exactly `subsidy_fen` is held (pending_provider)."""
        offering = listed_offering(
            admin,
            self.programme,
            category,
            unit_price_fen=price_for(subsidy_fen, category),
            unit=UNIT[category],
            name=f"{category} offering",
        )
        order = placed_order(offering, self.voucher(category), "1")
        assert order.subsidy_fen == subsidy_fen
        return order

    def awaiting(self, admin: User, subsidy_fen: int, category: str = "compute") -> Order:
        """An order delivered in full and completed by the provider: awaiting the firm's
        confirmation, its subsidy still held."""
        return delivered_order(self.place(admin, subsidy_fen, category), admin, "1")

    @staticmethod
    def firm_admin(order: Order) -> User:
        assert order.voucher_id is not None
        voucher = Voucher.objects.select_related("application__applied_by").get(pk=order.voucher_id)
        assert voucher.application is not None
        return voucher.application.applied_by

    def confirm(self, order: Order) -> Order:
        return marketplace.order_confirm(actor=self.firm_admin(order), order_id=order.pk)

    def capture(self, admin: User, subsidy_fen: int, category: str = "compute") -> Order:
        """A completed order whose captured subsidy, `subsidy_fen`, the provider is owed."""
        order = self.confirm(self.awaiting(admin, subsidy_fen, category))
        assert (order.status, order.captured_subsidy_fen) == ("completed", subsidy_fen)
        return order

    # --- batches ----------------------------------------------------------------------

    def batch(self, batch_id: str, user: User | None = None) -> dict[str, Any]:
        response = self.client(user).get(f"{BATCHES}/{batch_id}")
        assert response.status_code == 200, response.content
        return dict(response.json())

    def request_batch(self, user: User | None = None) -> dict[str, Any]:
        """POST a batch (202, preparing); the worker prepares it on commit. Returns it as
        prepared."""
        response = self.post(user or self.maker, BATCHES, {"programme": CODE})
        assert response.status_code == 202, response.content
        return self.batch(response.json()["id"])

    def submit(self, batch_id: str, user: User | None = None) -> Any:
        return self.post(user or self.maker, f"{BATCHES}/{batch_id}/submit")

    def approve(self, batch_id: str, user: User | None = None) -> Any:
        return self.post(user or self.checker, f"{BATCHES}/{batch_id}/approve")

    def settle(self) -> dict[str, Any]:
        """Request, submit (maker) and approve (checker) a batch: its payouts are sent."""
        batch = self.request_batch()
        assert self.submit(batch["id"]).status_code == 200
        response = self.approve(batch["id"])
        assert response.status_code == 200, response.content
        return dict(response.json())

    # --- statements and clawbacks -----------------------------------------------------

    def upload(
        self, content: bytes, user: User | None = None, filename: str = "statement.csv"
    ) -> Any:
        upload = SimpleUploadedFile(filename, content, content_type="text/csv")
        return self.post(user or self.maker, STATEMENTS, {"file": upload}, format="multipart")

    def pay(self, batch: dict[str, Any]) -> None:
        """The bank pays every sent payout of the batch, as its statement says."""
        lines = [paid_line(p) for p in batch["payouts"] if p["status"] == "sent"]
        response = self.upload(statement(*lines), filename=f"paid-{batch['id']}.csv")
        assert response.status_code == 201, response.content
        assert response.json()["matched"] == len(lines)

    def claw_back(self, order: Order, reason: str = "Ineligible: related party") -> Any:
        return self.post(self.maker, CLAWBACKS, {"order": str(order.pk), "reason": reason})


@pytest.fixture
def world(
    db: None,
    settlement_clock: Any,
    client_for: Callable[[User], APIClient],
    django_capture_on_commit_callbacks: OnCommit,
) -> World:
    programme, _ = seeded_programme(preset="shanghai-2025", code=CODE)
    return World(
        programme=programme,
        officer=user_with_role(Role.PROGRAMME_OFFICER),
        maker=user_with_role(Role.FINANCE_OFFICER),
        checker=user_with_role(Role.FINANCE_OFFICER),
        client_for=client_for,
        on_commit=django_capture_on_commit_callbacks,
    )
