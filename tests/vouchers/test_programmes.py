"""Programmes: seeding from presets, the programme API, and the programme report."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from core.exceptions import ValidationError
from ledger.models import Account, Entry, Transfer
from ledger.services import balances_of
from marketplace import services as marketplace
from programmes.models import BudgetPool, Programme
from programmes.services import programme_seed
from tests.factories import (
    accredited_provider_admin,
    delivered_order,
    issued_voucher,
    listed_offering,
    placed_order,
    seeded_programme,
    user_with_role,
)
from vouchers.models import Voucher
from vouchers.services import voucher_revoke

pytestmark = pytest.mark.django_db

LedgerOk = Callable[..., None]

SH_NAME = "Shanghai AI adoption subsidy 2025"
SZ_NAME = "Shenzhen AI training compute and data subsidy 2025"
# category: (budget_fen, rate_bps, firm_cap_fen), from the presets.
SH_POOLS = {
    "compute": (60_000_000_000, 3000, 500_000_000),
    "model": (30_000_000_000, 5000, 500_000_000),
    "data": (10_000_000_000, 3000, 500_000_000),
}
SZ_POOLS = {
    "compute": (50_000_000_000, 5000, 1_000_000_000),
    "data": (10_000_000_000, 3000, 200_000_000),
}


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_programme", *args, stdout=out)
    return out.getvalue()


def _written() -> tuple[int, ...]:
    return (
        Programme.objects.count(),
        BudgetPool.objects.count(),
        Account.objects.count(),
        Transfer.objects.count(),
        Entry.objects.count(),
    )


def _pool_lines(pools: dict[str, tuple[int, int, int]]) -> list[str]:
    return [
        f"  {category:<8} budget {budget} fen, rate {rate} bps, cap {cap} fen per firm per year"
        for category, (budget, rate, cap) in sorted(pools.items())
    ]


def _assert_funded(code: str, pools: dict[str, tuple[int, int, int]]) -> None:
    programme = Programme.objects.get(code=code)
    assert {
        pool.category: (pool.budget_fen, pool.rate_bps, pool.firm_cap_fen)
        for pool in programme.pools.all()
    } == pools
    for pool in programme.pools.select_related("account"):
        account = pool.account
        assert (account.ledger, account.code, account.debits_must_not_exceed_credits) == (
            code,
            f"pool:{pool.category}",
            True,
        )
        assert (
            account.credits_posted,
            account.debits_posted,
            account.credits_pending,
            account.debits_pending,
        ) == (pool.budget_fen, 0, 0, 0)
    funding = Account.objects.get(ledger=code, code="funding")
    total = sum(budget for budget, _, _ in pools.values())
    assert (funding.debits_posted, funding.credits_posted) == (total, 0)
    assert sorted(
        Transfer.objects.filter(ledger=code).values_list(
            "kind", "phase", "amount", "debit_account__code", "credit_account__code"
        )
    ) == sorted(
        ("pool_funding", "single", budget, "funding", f"pool:{category}")
        for category, (budget, _, _) in pools.items()
    )
    assert Entry.objects.filter(ledger=code).count() == 2 * len(pools)


# --- seed_programme ----------------------------------------------------------------------


def test_seed_programme_creates_shanghai_with_three_funded_pools(
    assert_ledger_ok: Callable[..., None],
) -> None:
    out = _seed("--preset", "shanghai-2025", "--code", "SH2025")

    assert out.splitlines() == [
        f"programme SH2025 ({SH_NAME}) created and funded",
        *_pool_lines(SH_POOLS),
    ]
    programme = Programme.objects.get(code="SH2025")
    assert (
        programme.name,
        programme.currency,
        programme.starts_on,
        programme.ends_on,
        programme.time_zone,
        programme.auto_grant,
        programme.dispute_window_days,
        programme.voucher_validity_months,
        programme.preset,
    ) == (
        SH_NAME,
        "CNY",
        dt.date(2025, 8, 1),
        dt.date(2027, 12, 31),
        "Asia/Shanghai",
        False,
        7,
        12,
        "shanghai-2025",
    )
    _assert_funded("SH2025", SH_POOLS)
    assert_ledger_ok("SH2025")


def test_seed_programme_twice_changes_nothing(assert_ledger_ok: Callable[..., None]) -> None:
    _seed("--preset", "shanghai-2025", "--code", "SH2025")
    written = _written()

    out = _seed("--preset", "shanghai-2025", "--code", "SH2025")

    assert out.splitlines() == [
        f"programme SH2025 ({SH_NAME}) already exists; nothing changed",
        *_pool_lines(SH_POOLS),
    ]
    assert _written() == written == (1, 3, 4, 3, 6)
    _assert_funded("SH2025", SH_POOLS)
    assert_ledger_ok("SH2025")


def test_seed_programme_with_the_shenzhen_preset(assert_ledger_ok: Callable[..., None]) -> None:
    out = _seed("--preset", "shenzhen-2025", "--code", "SZ2025")

    assert out.splitlines() == [
        f"programme SZ2025 ({SZ_NAME}) created and funded",
        *_pool_lines(SZ_POOLS),
    ]
    programme = Programme.objects.get(code="SZ2025")
    assert (programme.starts_on, programme.ends_on, programme.preset) == (
        dt.date(2025, 6, 1),
        dt.date(2027, 12, 31),
        "shenzhen-2025",
    )
    _assert_funded("SZ2025", SZ_POOLS)
    assert_ledger_ok("SZ2025")


def test_seed_programme_with_a_name_of_its_own(assert_ledger_ok: LedgerOk) -> None:
    out = _seed("--preset", "shanghai-2025", "--code", "SH2025B", "--name", "Pilot")

    assert out.splitlines()[0] == "programme SH2025B (Pilot) created and funded"
    assert Programme.objects.get(code="SH2025B").name == "Pilot"
    assert_ledger_ok()


def test_seed_programme_refuses_an_unknown_preset() -> None:
    with pytest.raises(CommandError, match=r"argument --preset: invalid choice: 'atlantis-2030'"):
        _seed("--preset", "atlantis-2030", "--code", "AT2030")
    with pytest.raises(ValidationError) as refused:
        programme_seed(preset="atlantis-2030", code="AT2030")

    assert refused.value.fields == {"preset": ["Unknown preset."]}
    assert _written() == (0, 0, 0, 0, 0)


def test_seed_programme_refuses_an_existing_code_with_another_preset(
    assert_ledger_ok: Callable[..., None],
) -> None:
    _seed("--preset", "shanghai-2025", "--code", "SH2025")
    written = _written()

    with pytest.raises(CommandError) as refused:
        _seed("--preset", "shenzhen-2025", "--code", "SH2025")

    assert str(refused.value) == (
        "Programme SH2025 exists from preset 'shanghai-2025', not 'shenzhen-2025'."
    )
    assert _written() == written
    _assert_funded("SH2025", SH_POOLS)
    assert_ledger_ok("SH2025")


# --- GET /programmes -------------------------------------------------------------------------


def _programme_body(
    programme: Programme,
    name: str,
    starts_on: str,
    pools: dict[str, tuple[int, int, int]],
    committed: dict[str, int] | None = None,
) -> dict[str, Any]:
    committed = committed or {}
    return {
        "id": str(programme.pk),
        "code": programme.code,
        "name": name,
        "currency": "CNY",
        "starts_on": starts_on,
        "ends_on": "2027-12-31",
        "time_zone": "Asia/Shanghai",
        "auto_grant": False,
        "dispute_window_days": 7,
        "voucher_validity_months": 12,
        "pools": [
            {
                "category": category,
                "budget_fen": budget,
                "committed_fen": committed.get(category, 0),
                "available_fen": budget - committed.get(category, 0),
                "rate_bps": rate,
                "firm_cap_fen": cap,
            }
            for category, (budget, rate, cap) in sorted(pools.items())
        ],
    }


def test_programmes_list_and_detail(
    sh2025: Programme, client_for: Any, assert_ledger_ok: LedgerOk
) -> None:
    shenzhen, _ = seeded_programme(preset="shenzhen-2025", code="SZ2025")
    issued_voucher(sh2025, "compute", 120_000, approved_fen=100_000)
    issued_voucher(sh2025, "model", 30_000)
    client = client_for(user_with_role(Role.FIRM_MEMBER))
    sh_body = _programme_body(
        sh2025, SH_NAME, "2025-08-01", SH_POOLS, committed={"compute": 100_000, "model": 30_000}
    )
    sz_body = _programme_body(shenzhen, SZ_NAME, "2025-06-01", SZ_POOLS)

    for path in ("/api/v1/programmes", "/api/v1/programmes/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json() == [sh_body, sz_body]
    for path in ("/api/v1/programmes/SH2025", "/api/v1/programmes/SH2025/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json() == sh_body
    assert client.get("/api/v1/programmes/SZ2025").json() == sz_body
    assert_ledger_ok("SH2025")


def test_programme_unknown_code_is_404(sh2025: Programme, client_for: Any) -> None:
    response = client_for(user_with_role(Role.FIRM_ADMIN)).get("/api/v1/programmes/XX2099")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "No programme XX2099.", "fields": {}}
    }


def test_programmes_need_authentication(sh2025: Programme, api_client: Any) -> None:
    response = api_client.get("/api/v1/programmes/SH2025")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


# --- GET /programmes/{code}/report ----------------------------------------------------------


REPORT_HEADER = [
    "category",
    "budget_fen",
    "committed_fen",
    "held_fen",
    "captured_fen",
    "sent_fen",
    "paid_fen",
    "clawed_back_fen",
    "available_fen",
]


@pytest.mark.parametrize("role", [Role.FIRM_ADMIN, Role.FIRM_MEMBER, Role.PROVIDER_ADMIN])
def test_report_is_for_staff_only(sh2025: Programme, client_for: Any, role: str) -> None:
    client = client_for(user_with_role(role))

    for suffix in ("", "?format=csv"):
        response = client.get(f"/api/v1/programmes/SH2025/report{suffix}")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize(
    "role", [Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR], ids=str
)
def test_report_of_a_fresh_programme(sh2025: Programme, client_for: Any, role: str) -> None:
    client = client_for(user_with_role(role))

    response = client.get("/api/v1/programmes/SH2025/report/")

    assert response.status_code == 200
    assert client.get("/api/v1/programmes/SH2025/report?format=json").json() == response.json()
    assert response.json() == {
        "programme": "SH2025",
        "pools": [
            {
                "category": category,
                "budget_fen": budget,
                "committed_fen": 0,
                "held_fen": 0,
                "captured_fen": 0,
                "sent_fen": 0,
                "paid_fen": 0,
                "clawed_back_fen": 0,
                "available_fen": budget,
            }
            for category, (budget, _, _) in sorted(SH_POOLS.items())
        ],
        "providers": [],
    }


def test_report_of_an_unknown_programme_is_404(client_for: Any) -> None:
    response = client_for(user_with_role(Role.AUDITOR)).get("/api/v1/programmes/XX2099/report")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.fixture
def busy_sh2025(sh2025: Programme, officer: User) -> dict[str, Any]:
    """SH2025 after issuing, holding, capturing and a revocation.

    compute: A (100000) holds 60000 on an open order; B (50000) captured 24000 of a 30000
    hold; C (70000) captured 6000, then was revoked (64000 back to the pool).
    model: D (200000) untouched.
    """
    provider_admin = accredited_provider_admin(sh2025, ["compute", "model"], officer=officer)
    offering = listed_offering(provider_admin, sh2025, "compute", unit_price_fen=2000)
    voucher_a = issued_voucher(sh2025, "compute", 100_000, officer=officer)
    voucher_b = issued_voucher(sh2025, "compute", 50_000, officer=officer)
    voucher_c = issued_voucher(sh2025, "compute", 70_000, officer=officer)
    voucher_d = issued_voucher(sh2025, "model", 250_000, approved_fen=200_000, officer=officer)

    held = placed_order(offering, voucher_a, "100")  # gross 200000, subsidy 60000
    partial = delivered_order(placed_order(offering, voucher_b, "50"), provider_admin, "40")
    marketplace.order_confirm(actor=voucher_b.application.applied_by, order_id=partial.pk)
    whole = delivered_order(placed_order(offering, voucher_c, "10"), provider_admin, "10")
    marketplace.order_confirm(actor=voucher_c.application.applied_by, order_id=whole.pk)
    voucher_revoke(voucher=voucher_c, reason="Ineligible", actor=officer)

    assert (held.subsidy_fen, partial.subsidy_fen, whole.subsidy_fen) == (60_000, 30_000, 6_000)
    return {
        "provider": provider_admin.organisation,
        "vouchers": [voucher_a, voucher_b, voucher_c, voucher_d],
    }


def test_report_figures_after_issue_hold_capture_and_revocation(
    busy_sh2025: dict[str, Any], client_for: Any, assert_ledger_ok: Callable[..., None]
) -> None:
    provider = busy_sh2025["provider"]

    response = client_for(user_with_role(Role.PROGRAMME_OFFICER)).get(
        "/api/v1/programmes/SH2025/report"
    )

    assert response.status_code == 200
    assert response.json() == {
        "programme": "SH2025",
        "pools": [
            {
                "category": "compute",
                "budget_fen": 60_000_000_000,
                "committed_fen": 156_000,
                "held_fen": 60_000,
                "captured_fen": 30_000,
                "sent_fen": 0,
                "paid_fen": 0,
                "clawed_back_fen": 0,
                "available_fen": 59_999_844_000,
            },
            {
                "category": "data",
                "budget_fen": 10_000_000_000,
                "committed_fen": 0,
                "held_fen": 0,
                "captured_fen": 0,
                "sent_fen": 0,
                "paid_fen": 0,
                "clawed_back_fen": 0,
                "available_fen": 10_000_000_000,
            },
            {
                "category": "model",
                "budget_fen": 30_000_000_000,
                "committed_fen": 200_000,
                "held_fen": 0,
                "captured_fen": 0,
                "sent_fen": 0,
                "paid_fen": 0,
                "clawed_back_fen": 0,
                "available_fen": 29_999_800_000,
            },
        ],
        "providers": [
            {
                "provider": str(provider.pk),
                "name": provider.name,
                "captured_fen": 30_000,
                "paid_fen": 0,
            }
        ],
    }
    assert_ledger_ok("SH2025")


def test_report_as_csv_has_the_same_numbers(
    busy_sh2025: dict[str, Any], client_for: Any, assert_ledger_ok: LedgerOk
) -> None:
    client = client_for(user_with_role(Role.FINANCE_OFFICER))
    provider = busy_sh2025["provider"]

    response = client.get("/api/v1/programmes/SH2025/report?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="SH2025-report.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows == [
        REPORT_HEADER,
        ["compute", "60000000000", "156000", "60000", "30000", "0", "0", "0", "59999844000"],
        ["data", "10000000000", "0", "0", "0", "0", "0", "0", "10000000000"],
        ["model", "30000000000", "200000", "0", "0", "0", "0", "0", "29999800000"],
        [],
        ["provider", "name", "captured_fen", "paid_fen"],
        [str(provider.pk), provider.name, "30000", "0"],
    ]
    as_json = client.get("/api/v1/programmes/SH2025/report").json()
    assert rows[1:4] == [[str(pool[name]) for name in REPORT_HEADER] for pool in as_json["pools"]]
    assert_ledger_ok()


def test_report_equals_the_sum_of_its_parts(
    busy_sh2025: dict[str, Any], client_for: Any, assert_ledger_ok: Callable[..., None]
) -> None:
    """committed = held + captured + the vouchers' free balances, in a pool with no clawbacks;
    and the pool's available is exactly what the pool's ledger account can still give."""
    report = client_for(user_with_role(Role.AUDITOR)).get("/api/v1/programmes/SH2025/report")
    pools = {pool["category"]: pool for pool in report.json()["pools"]}

    for pool in BudgetPool.objects.filter(programme__code="SH2025").select_related("account"):
        figures = pools[pool.category]
        vouchers = list(Voucher.objects.filter(pool=pool).select_related("account"))
        balances = balances_of([voucher.account for voucher in vouchers])
        free = sum(balances[voucher.account.pk].available for voucher in vouchers)
        assert figures["clawed_back_fen"] == 0
        assert figures["committed_fen"] == figures["held_fen"] + figures["captured_fen"] + free
        assert figures["committed_fen"] == figures["budget_fen"] - figures["available_fen"]
        assert figures["available_fen"] == balances_of([pool.account])[pool.account.pk].available
    assert pools["compute"]["committed_fen"] == 60_000 + 30_000 + (40_000 + 26_000 + 0)
    assert_ledger_ok("SH2025")
