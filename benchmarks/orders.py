"""Benchmark: POST /api/v1/orders through gunicorn on PostgreSQL, with the settings a user gets
by default, beside the bare DRF peer and the raw-SQL floor, in one sitting.

Run by hand (PostgreSQL on 127.0.0.1:5432, or BENCH_DATABASE_URL; it recreates `subsidy_bench`
and `subsidy_bench_peer`):

    .venv/bin/python benchmarks/orders.py [--duration 20] [--clients 16] [--peer ../shared/peer]

It seeds SH2025 with 1,000 firms (each with a compute voucher and its own API token) and 20
offerings, starts gunicorn (4 workers) and drives POST /api/v1/orders with 16 closed-loop
clients for 20 s, each request with a firm's token and its own Idempotency-Key. It prints
orders/s, p50, p99 and errors, and the statements one order costs. Then it serves the bare DRF
peer (`../shared/peer/bare_drf`: the order's writes through the ORM with no auth, idempotency,
audit or rules) with the same gunicorn and drives it with the same clients, and prints the
ratio orders/s over the peer's requests/s. Last, the floor: the same database writes issued by
psycopg over 16 connections.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg
from _common import (
    PYTHON,
    ROOT,
    bench_database_url,
    django_env,
    migrate,
    percentile,
    recreate_database,
    setup_django,
)

PORT = 8089
PEER_PORT = 8011
PEER = ROOT.parent / "shared" / "peer"


def seed(firms: int, offerings: int) -> dict[str, Any]:
    from django.db import transaction
    from knox.models import AuthToken

    from accounts.models import Membership, Organisation, User
    from accounts.roles import Role
    from marketplace.services import offering_create
    from programmes.services import programme_seed
    from providers.services import accreditation_request_approve, accreditation_request_submit
    from tests.factories import credit_code
    from vouchers.models import VoucherApplication
    from vouchers.services import voucher_issue

    programme, _ = programme_seed(preset="shanghai-2025", code="SH2025")
    officer = User.objects.create_user(email="officer@bench.local", password=None)
    Membership.objects.create(user=officer, role=Role.PROGRAMME_OFFICER)
    offering_ids = []
    providers = 5
    for p in range(providers):
        provider = Organisation.objects.create(
            kind="provider",
            name=f"Bench cloud {p}",
            credit_code=credit_code(10_000 + p),
            legal_representative=f"Provider rep {p}",
        )
        admin = User.objects.create_user(email=f"provider{p}@bench.local", password=None)
        Membership.objects.create(user=admin, organisation=provider, role=Role.PROVIDER_ADMIN)
        request = accreditation_request_submit(
            actor=admin, programme=programme, categories=["compute"]
        )
        accreditation_request_approve(request=request, actor=officer)
        for o in range(offerings // providers):
            offering = offering_create(
                actor=admin,
                programme=programme,
                category="compute",
                name=f"GPU type {p}-{o}",
                unit="gpu_hour",
                unit_price_fen=2000 + 100 * o,
            )
            offering_ids.append(str(offering.pk))
    clients = []
    for f in range(firms):
        with transaction.atomic():
            firm = Organisation.objects.create(
                kind="firm",
                name=f"Bench firm {f}",
                credit_code=credit_code(20_000 + f),
                legal_representative=f"Firm rep {f}",
            )
            user = User.objects.create_user(email=f"firm{f}@bench.local", password=None)
            Membership.objects.create(user=user, organisation=firm, role=Role.FIRM_ADMIN)
            application = VoucherApplication.objects.create(
                programme=programme,
                firm=firm,
                category="compute",
                requested_fen=5_000_000,
                justification="benchmark",
                applied_by=user,
            )
            voucher = voucher_issue(application=application, approved_fen=5_000_000, actor=officer)
            _, token = AuthToken.objects.create(user=user)
        clients.append({"token": token, "voucher": str(voucher.pk)})
    return {"offerings": offering_ids, "clients": clients}


def wait_for_server(port: int, path: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def gunicorn(application: str, port: int, workers: int, threads: int, **popen: Any) -> Any:
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            application,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "sync" if threads == 1 else "gthread",
            "--log-level",
            "warning",
        ],
        **popen,
    )


def run_peer(url: str, peer: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The bare DRF peer (../shared/peer/bare_drf: the order's writes through the ORM, with
    no auth, idempotency, audit or rules) on its own scratch database, served by gunicorn
    with the same workers and driven by the same clients as the order API."""
    parsed = urlparse(url)
    peer_url = parsed._replace(path=parsed.path + "_peer").geturl()
    recreate_database(peer_url)
    with psycopg.connect(peer_url, autocommit=True) as conn:
        conn.execute((peer / "schema.sql").read_text())
    with tempfile.TemporaryDirectory() as work:  # a copy: shared/ may be read-only
        shutil.copytree(peer / "bare_drf", work, dirs_exist_ok=True)
        settings = (Path(work) / "settings.py").read_text()
        database = (
            f"'NAME':{parsed.path.lstrip('/') + '_peer'!r},'HOST':{parsed.hostname!r},"
            f"'PORT':{parsed.port or 5432},'USER':{parsed.username or 'postgres'!r}"
        )
        (Path(work) / "settings_peer.py").write_text(
            settings.replace("'NAME':'pglimit','USER':'postgres'", database)
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "settings_peer", "PYTHONPATH": work}
        server = gunicorn(
            "wsgi:application", PEER_PORT, args.workers, args.threads, cwd=work, env=env
        )
        try:
            wait_for_server(PEER_PORT, "/", time.monotonic() + 30)
            drive(PEER_PORT, peer_request, args.clients, 2.0)  # warm-up
            return drive(PEER_PORT, peer_request, args.clients, args.duration)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


Request = tuple[str, bytes, dict[str, str]]


def order_requests(world: dict[str, Any]) -> Any:
    """POST /api/v1/orders as a firm's integration sends it: its token, an offering, a
    quantity, its voucher and a fresh Idempotency-Key."""
    firms = itertools.cycle(world["clients"])
    lock = threading.Lock()

    def make(rng: random.Random) -> Request:
        with lock:
            firm = next(firms)
        body = {
            "offering": rng.choice(world["offerings"]),
            "quantity": str(rng.randint(1, 5)),
            "voucher": firm["voucher"],
        }
        headers = {
            "Authorization": f"Token {firm['token']}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        return "/api/v1/orders", json.dumps(body).encode(), headers

    return make


def peer_request(rng: random.Random) -> Request:
    """The bare DRF peer's request, as its post.lua sends it."""
    body = {"voucher_id": rng.randint(1, 100_000), "amount": rng.randint(100, 10_000)}
    return "/redeem", json.dumps(body).encode(), {"Content-Type": "application/json"}


def drive(port: int, make_request: Any, clients: int, duration: float) -> dict[str, Any]:
    """`clients` closed-loop clients, each sending its next request as soon as the last
    answered, for `duration` seconds; the 201s are counted and timed."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    start_barrier = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client_loop(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        mine_errors: dict[str, int] = {}
        start_barrier.wait()
        while time.monotonic() < stop_at[0]:
            path, body, headers = make_request(rng)
            began = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, payload = 0, str(exc).encode()
            elapsed = time.perf_counter() - began
            if status == 201:
                mine.append(elapsed)
            else:
                key = f"{status} {payload[:120]!r}"
                mine_errors[key] = mine_errors.get(key, 0) + 1
        with lock:
            latencies.extend(mine)
            for key, count in mine_errors.items():
                errors[key] = errors.get(key, 0) + count

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop_at[0] = began + duration
    start_barrier.wait()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    latencies.sort()
    return {
        "orders": len(latencies),
        "orders_per_s": len(latencies) / wall,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "errors": errors,
    }


def queries_per_order(world: dict[str, Any], *, show: bool = False) -> tuple[int, int]:
    """Statements for a firm's first order of the year (which creates its cap row) and for
    the next one (the steady state the benchmark measures). With `show`, print the steady
    state's statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    firm = world["clients"][0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {firm['token']}")
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/v1/orders",
                {"offering": world["offerings"][0], "quantity": "1", "voucher": firm["voucher"]},
                format="json",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
                SERVER_NAME="127.0.0.1",
            )
        assert response.status_code == 201, response.content
        counts.append(len(queries.captured_queries))
    if show:
        for number, query in enumerate(queries.captured_queries, 1):
            print(f"  {number:2}. {query['sql']}")
    return counts[0], counts[1]


def raw_floor(url: str, connections: int, duration: float) -> float:
    """The same writes an order makes, straight through psycopg: one voucher balance UPDATE,
    the order row, the transfer row and its two entry rows, in one transaction."""
    import psycopg

    with psycopg.connect(url) as conn:
        voucher_accounts = [
            r[0] for r in conn.execute("SELECT account_id FROM vouchers_voucher").fetchall()
        ]
        template = conn.execute(
            "SELECT programme_id, offering_id, provider_id, firm_id, voucher_id, placed_by_id, "
            "hold_transfer_id FROM marketplace_order LIMIT 1"
        ).fetchone()
        payable_row = conn.execute(
            "SELECT credit_account_id FROM ledger_transfer WHERE kind = 'subsidy_hold' LIMIT 1"
        ).fetchone()
    if template is None or payable_row is None:
        raise SystemExit("the API run placed no order to copy for the floor")
    payable = payable_row[0]
    programme_id, offering_id, provider_id, firm_id, voucher_id, user_id, _ = template
    count = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(connections + 1)
    stop_at = [0.0]

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        done = 0
        with psycopg.connect(url) as conn:
            barrier.wait()
            while time.monotonic() < stop_at[0]:
                account = rng.choice(voucher_accounts)
                order_id, transfer_id = uuid.uuid4(), uuid.uuid4()
                with conn.transaction():
                    conn.execute(
                        "UPDATE ledger_account SET debits_pending = debits_pending + %s "
                        "WHERE id = %s AND credits_posted >= debits_posted + debits_pending + %s",
                        (600, account, 600),
                        prepare=True,
                    )
                    conn.execute(
                        "INSERT INTO marketplace_order (id, created_at, updated_at, programme_id, "
                        "offering_id, provider_id, firm_id, voucher_id, category, unit, quantity, "
                        "unit_price_fen, gross_fen, subsidy_fen, firm_pays_fen, delivered_quantity,"
                        " status, hold_transfer_id, cap_year, reason, placed_by_id) VALUES "
                        "(%s, now(), now(), %s, %s, %s, %s, %s, 'compute', 'gpu_hour', 1, 2000, "
                        "2000, 600, 1400, 0, 'pending_provider', %s, 2026, '', %s)",
                        (
                            order_id,
                            programme_id,
                            offering_id,
                            provider_id,
                            firm_id,
                            voucher_id,
                            transfer_id,
                            user_id,
                        ),
                        prepare=True,
                    )
                    conn.execute(
                        "INSERT INTO ledger_transfer (id, ledger, currency, debit_account_id, "
                        "credit_account_id, amount, kind, phase, metadata, created_at) VALUES "
                        "(%s, 'SH2025', 'CNY', %s, %s, 600, 'subsidy_hold', 'pending', '{}', "
                        "now())",
                        (transfer_id, account, payable),
                        prepare=True,
                    )
                    conn.execute(
                        "INSERT INTO ledger_entry (transfer_id, account_id, ledger, side, "
                        "pending_delta, posted_delta, created_at) VALUES "
                        "(%s, %s, 'SH2025', 'debit', 600, 0, now()), "
                        "(%s, %s, 'SH2025', 'credit', 600, 0, now())",
                        (transfer_id, account, transfer_id, payable),
                        prepare=True,
                    )
                done += 1
        with lock:
            count[0] += done

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop_at[0] = began + duration
    barrier.wait()
    for thread in threads:
        thread.join()
    return count[0] / (time.monotonic() - began)


def report(name: str, result: dict[str, Any]) -> None:
    print(f"{name}:")
    print(f"  per second {result['orders_per_s']:.1f}")
    print(f"  p50        {result['p50_ms']:.1f} ms")
    print(f"  p99        {result['p99_ms']:.1f} ms")
    print(f"  errors     {sum(result['errors'].values())}")
    for key, count in sorted(result["errors"].items(), key=lambda item: -item[1])[:5]:
        print(f"    {count} x {key}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--firms", type=int, default=1000)
    parser.add_argument("--offerings", type=int, default=20)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 1)))
    parser.add_argument("--floor-duration", type=float, default=10.0)
    parser.add_argument(
        "--show-sql", action="store_true", help="print the statements of one steady-state order"
    )
    parser.add_argument("--peer", type=Path, default=PEER, help="the peer folder (shared/peer)")
    args = parser.parse_args()

    url = bench_database_url()
    print(f"database {url}; seeding {args.firms} firms and {args.offerings} offerings ...")
    recreate_database(url)
    migrate(url)
    setup_django(url)
    began = time.monotonic()
    world = seed(args.firms, args.offerings)
    print(f"seeded in {time.monotonic() - began:.1f} s")
    first, steady = queries_per_order(world, show=args.show_sql)
    print(f"statements per order: {steady} (a firm's first order of the year: {first})")

    # The settings a user gets by default: only what a benchmark must say is set here.
    server = gunicorn(
        "config.wsgi:application",
        PORT,
        args.workers,
        args.threads,
        cwd=ROOT,
        env=django_env(url, DJANGO_ALLOWED_HOSTS="127.0.0.1"),
    )
    try:
        wait_for_server(PORT, "/healthz", time.monotonic() + 30)
        drive(PORT, order_requests(world), args.clients, 2.0)  # warm-up
        print(
            f"driving POST /api/v1/orders: {args.clients} clients for {args.duration:.0f} s "
            f"(gunicorn {args.workers} workers x {args.threads} threads, default settings)"
        )
        result = drive(PORT, order_requests(world), args.clients, args.duration)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    report("order API", result)

    if args.peer.exists():
        print(f"driving the bare DRF peer ({args.peer}) the same way ...")
        peer = run_peer(url, args.peer, args)
        report("bare DRF peer", peer)
        print(
            f"ratio order API / bare DRF peer: {result['orders_per_s'] / peer['orders_per_s']:.3f}"
            "  (target >= 0.45)"
        )
    else:
        print(f"no peer at {args.peer}: skipped (--peer PATH)")

    floor = raw_floor(url, args.clients, args.floor_duration)
    print(f"raw-SQL floor (psycopg, {args.clients} connections, same writes): {floor:.1f} tx/s")
    print(f"ratio API / floor: {result['orders_per_s'] / floor:.3f}")

    from ledger.checks import ledger_check

    checked = ledger_check("SH2025")
    print("ledger_check:", "OK" if checked.ok else checked.problems[:3])


if __name__ == "__main__":
    main()
