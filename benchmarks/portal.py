"""Benchmark: every portal page rendered as its user, at 20,000 and at 200,000 orders.

Run by hand (PostgreSQL on 127.0.0.1:5432, or BENCH_DATABASE_URL; it recreates
`subsidy_bench_portal`):

    .venv/bin/python benchmarks/portal.py [--renders 200] [--orders 200000] [--page NAME]

It seeds a programme with 1,000 firms (each with a compute voucher), 100 accredited providers
(3 offerings each), and orders spread over the last twelve months in every status (most of
them completed and captured), through the services for everything but the orders themselves,
which are written in bulk. It then renders each page `--renders` times in-process, signed in
as the page's user (Django's test client through the whole middleware stack, with the settings
a user gets), and prints per page the p50 and p95 server time and the number of queries. It
does this first at a tenth of the orders and again at all of them: the query count of each
page must not change, and p95 must stay under 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
import uuid
from decimal import Decimal
from typing import Any

from _common import bench_database_url, migrate, percentile, recreate_database, setup_django

FIRMS = 1000
PROVIDERS = 100
OFFERINGS_PER_PROVIDER = 3
BATCH = 5000
TARGET_P95_MS = 100.0


def seed_world(rng: random.Random) -> dict[str, Any]:
    from django.utils import timezone

    from accounts.roles import Role
    from programmes.services import programme_seed
    from tests.factories import (
        accredited_provider_admin,
        issued_voucher,
        listed_offering,
        user_with_role,
    )

    programme, _ = programme_seed(
        preset="shanghai-2025",
        code="BENCH",
        starts_on=timezone.localdate() - dt.timedelta(days=400),
    )
    officer = user_with_role(Role.PROGRAMME_OFFICER)
    providers = []
    for number in range(PROVIDERS):
        admin = accredited_provider_admin(programme, ["compute", "model", "data"], officer=officer)
        offerings = [
            listed_offering(
                admin, programme, "compute", unit_price_fen=1000 + number, name=f"GPU {n}"
            )
            for n in range(OFFERINGS_PER_PROVIDER)
        ]
        providers.append({"admin": admin, "offerings": offerings})
    firms = []
    for _ in range(FIRMS):
        voucher = issued_voucher(programme, "compute", 50_000_000, officer=officer)
        firms.append({"admin": voucher.application.applied_by, "voucher": voucher})
    world = {
        "programme": programme,
        "officer": officer,
        "maker": user_with_role(Role.FINANCE_OFFICER),
        "checker": user_with_role(Role.FINANCE_OFFICER),
        "providers": providers,
        "firms": firms,
    }
    world["payout"] = settled_payout(world)
    return world


def settled_payout(world: dict[str, Any]) -> Any:
    """The first provider's orders of 20 firms taken through the services to a sent payout,
    so its payout pages have one to show."""
    from marketplace import services as market
    from providers.services import bank_account_set
    from settlement import services as settlement
    from settlement.models import Payout
    from tests.factories import delivered_order, placed_order

    provider = world["providers"][0]
    bank_account_set(
        actor=provider["admin"],
        account_name="Benchmark Cloud",
        account_number="6222000011112222",
        bank_name="Bank of Shanghai",
    )
    for firm in world["firms"][:20]:
        order = placed_order(provider["offerings"][0], firm["voucher"], "10")
        delivered_order(order, provider["admin"], "10")
        market.order_confirm(actor=firm["admin"], order_id=order.pk)
    batch = settlement.payout_batch_request(programme=world["programme"], actor=world["maker"])
    settlement.payout_batch_prepare(batch_id=batch.pk)
    batch.refresh_from_db()
    settlement.payout_batch_submit(batch=batch, actor=world["maker"])
    settlement.payout_batch_approve(batch=batch, actor=world["checker"])
    return Payout.objects.get(batch=batch, provider=provider["admin"].organisation)


STATUSES = [
    ("completed", 60),
    ("pending_provider", 8),
    ("accepted", 8),
    ("awaiting_confirmation", 8),
    ("cancelled", 6),
    ("disputed", 5),
    ("rejected", 5),
]


def seed_orders(world: dict[str, Any], count: int, rng: random.Random) -> None:
    """`count` more orders in bulk, over the last twelve months, in every status. They carry
    no ledger holds: the portal's pages read orders, not the ledger, for these figures."""
    from django.db import connection
    from django.utils import timezone

    from marketplace.models import Order

    now = timezone.now()
    statuses = [status for status, weight in STATUSES for _ in range(weight)]
    made = 0
    while made < count:
        rows = []
        for _ in range(min(BATCH, count - made)):
            firm = rng.choice(world["firms"])
            offering = rng.choice(rng.choice(world["providers"])["offerings"])
            quantity = Decimal(rng.randint(1, 50))
            gross = int(quantity) * offering.unit_price_fen
            subsidy = gross * 3000 // 10_000
            status = rng.choice(statuses)
            created = now - dt.timedelta(seconds=rng.randint(0, 365 * 86400))
            completed = status == "completed"
            rows.append(
                Order(
                    id=uuid.uuid4(),
                    programme=world["programme"],
                    offering=offering,
                    provider_id=offering.provider_id,
                    firm=firm["voucher"].firm,
                    voucher=firm["voucher"],
                    category="compute",
                    unit=offering.unit,
                    quantity=quantity,
                    unit_price_fen=offering.unit_price_fen,
                    gross_fen=gross,
                    subsidy_fen=subsidy,
                    firm_pays_fen=gross - subsidy,
                    captured_subsidy_fen=subsidy if completed else None,
                    delivered_quantity=quantity if completed else Decimal(0),
                    status=status,
                    cap_year=created.year,
                    placed_by=firm["admin"],
                    accepted_at=created if status != "pending_provider" else None,
                    completed_at=created + dt.timedelta(days=2) if completed else None,
                )
            )
        Order.objects.bulk_create(rows)
        # bulk_create stamps created_at now; spread them as the accepted_at the rows carry.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE marketplace_order SET created_at = COALESCE(accepted_at, created_at "
                "- (random() * interval '365 days')) WHERE id = ANY(%s)",
                [[row.pk for row in rows]],
            )
        made += len(rows)


def pages(world: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(name, user, path) of every portal page, each as the user who works with it."""
    from marketplace.models import Order

    firm = world["firms"][0]["admin"]
    provider = world["providers"][0]["admin"]
    offering = world["providers"][0]["offerings"][0]
    order = Order.objects.filter(provider=provider.organisation).order_by("created_at").first()
    voucher = world["firms"][0]["voucher"]
    firm_order = Order.objects.filter(firm=voucher.firm).order_by("created_at").first()
    assert order is not None
    assert firm_order is not None
    payout = world["payout"]
    return [
        ("home (firm)", firm, "/"),
        ("home (provider)", provider, "/"),
        ("home (programme officer)", world["officer"], "/"),
        ("team (firm)", firm, "/team"),
        ("team (provider)", provider, "/team"),
        ("provider offerings", provider, "/provider/offerings"),
        ("provider offering", provider, f"/provider/offerings/{offering.pk}"),
        ("provider order inbox", provider, "/provider/orders"),
        ("provider orders, completed", provider, "/provider/orders?status=completed&sort=-amount"),
        ("provider order", provider, f"/provider/orders/{order.pk}"),
        ("provider payouts", provider, "/provider/payouts"),
        ("provider payout", provider, f"/provider/payouts/{payout.pk}"),
        ("provider remittance CSV", provider, f"/provider/payouts/{payout.pk}/remittance.csv"),
        ("provider remittance XLSX", provider, f"/provider/payouts/{payout.pk}/remittance.xlsx"),
        ("provider accreditation", provider, "/provider/accreditation"),
        ("provider bank account", provider, "/provider/bank-account"),
        ("firm catalogue", firm, "/catalogue"),
        ("firm catalogue, searched", firm, "/catalogue?q=GPU&category=compute&sort=price"),
        ("firm order form", firm, f"/catalogue/{offering.pk}/order"),
        (
            "firm live quote",
            firm,
            f"/catalogue/{offering.pk}/quote?quantity=12.5&voucher={voucher.pk}",
        ),
        ("firm vouchers", firm, "/vouchers"),
        ("firm voucher applications", firm, "/vouchers/applications"),
        ("firm orders", firm, "/orders"),
        ("firm order", firm, f"/orders/{firm_order.pk}"),
        ("firm affiliations", firm, "/affiliations"),
    ]


def measure(world: dict[str, Any], renders: int, only: str | None) -> dict[str, dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import config.wsgi  # noqa: F401 - as the web server loads it (it freezes the loaded heap)

    results = {}
    for name, user, path in pages(world):
        if only and only not in name:
            continue
        client = Client()
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        timings = []
        for _ in range(renders):
            began = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - began)
            assert response.status_code == 200, (name, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        timings.sort()
        results[name] = {
            "p50": statistics.median(timings) * 1000,
            "p95": percentile(timings, 0.95) * 1000,
            "queries": len(queries.captured_queries),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--page", help="only the pages whose name contains this")
    args = parser.parse_args()

    url = bench_database_url().rsplit("/", 1)[0] + "/subsidy_bench_portal"
    recreate_database(url)
    migrate(url)
    setup_django(url, DJANGO_PASSWORD_HASHERS="django.contrib.auth.hashers.MD5PasswordHasher")
    rng = random.Random(2025)
    began = time.monotonic()
    world = seed_world(rng)
    print(f"seeded {FIRMS} firms and {PROVIDERS} providers in {time.monotonic() - began:.0f} s")

    small = args.orders // 10
    sittings: list[tuple[int, dict[str, dict[str, Any]]]] = []
    for total in (small, args.orders):
        began = time.monotonic()
        seed_orders(world, total - sum(size for size, _ in sittings), rng)
        print(f"{total:,} orders ({time.monotonic() - began:.0f} s to seed); rendering ...")
        sittings.append((total, measure(world, args.renders, args.page)))

    (small_total, small_results), (total, results) = sittings
    print(
        f"\n{'page':<28} {'queries':>7} {'at ' + format(small_total, ','):>11}   "
        f"{'p50 ms':>7} {'p95 ms':>7}   (at {total:,} orders, {args.renders} renders)"
    )
    failed = []
    for name, figures in results.items():
        constant = figures["queries"] == small_results[name]["queries"]
        print(
            f"{name:<28} {figures['queries']:>7} {small_results[name]['queries']:>11}   "
            f"{figures['p50']:>7.1f} {figures['p95']:>7.1f}"
        )
        if not constant or figures["p95"] >= TARGET_P95_MS:
            failed.append(name)
    print("\nall pages: p95 < 100 ms and queries constant" if not failed else f"\nMISSED: {failed}")


if __name__ == "__main__":
    main()
