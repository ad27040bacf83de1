"""Benchmark: reconciling a 100,000-line bank statement against 100,000 sent payouts.

Run by hand (PostgreSQL on 127.0.0.1:5432; it drops and recreates `subsidy_bench_reconcile`,
or the database BENCH_DATABASE_URL names):

    .venv/bin/python benchmarks/reconcile.py [--payouts 100000] [--lines 100000]

It seeds SH2025 with 1,000 providers accredited in compute (payable account, bank account),
then writes --payouts sent payouts straight into the database with set-based SQL: approved
batches of one payout per provider, each payout `sent` with a unique reference and one
compute part, and the ledger as approval leaves it, the part's pending `payout_send` claim
(provider payable -> bank:clearing) and the `post` transfer resolving it, with their four
entries. bank:clearing's cached counters are set from its entries with one UPDATE, so
`ledger_check` holds. (The payables keep no cached balance; the subsidies that credited
them are not seeded.)

It writes a CSV statement of --lines lines (value_date,reference,amount,currency,
counterparty_account,description; amounts negative yuan with 2 decimals), one payment per
payout in reference order, every --unknown-every'th line with a reference no payout has
(an open exception), to a temporary file. Then it times
settlement.reconciliation.statement_import(upload=<the file>, filename=..., actor=<a finance
officer>), as the upload view calls it.

The import runs twice: first under tracemalloc (peak of Python allocations during the
call; tracemalloc slows it about fourfold, --no-tracemalloc skips it) and rolled back, then
untraced and committed, which is the time reported (target: under 30 s for 100,000 lines on
the 2-core machine), with the process's resident set sampled every 5 ms for its peak. The
statement is streamed in chunks, so the peak does not grow with the number of lines:
--lines 10000 and the default 100,000 show about the same peak (6.0 MiB at both when this
was written). It checks the counts, that
every matched payout is paid, the clearing balance, and ledger_check. --profile adds the
queries grouped by statement and the Python functions by cumulative time, for a rolled-back
run.
"""

from __future__ import annotations

import argparse
import functools
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import migrate, recreate_database, setup_django
from _seed import (
    RssPeak,
    counters_from_entries,
    finance_officer,
    load_average,
    maxrss_mib,
    mib,
    providers_create,
    scratch_table,
    sql,
    timed,
    traced,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/subsidy_bench_reconcile"
LEDGER = "SH2025"
CHUNK = 50_000

# Payout i (1..N): batch (i - 1) / P, provider (i - 1) % P, 10.00 to 99,999.99 yuan, sent
# some days ago, reference PO-<i, 10 digits>.
PAYOUT = """
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS i
    CROSS JOIN LATERAL (
        SELECT 1000 + (i * 7919) %% 9999000 AS amount,
               now() - interval '3 days' AS sent_at
    ) AS x
    JOIN bench_payables AS p ON p.n = (i - 1) %% %(providers)s
    JOIN bench_batches AS b ON b.n = (i - 1) / %(providers)s
"""

PAYOUTS = f"""
    INSERT INTO settlement_payout (id, created_at, batch_id, provider_id, amount_fen, reference,
                                   status, held_reason, account_name, account_number,
                                   bank_name, sent_at)
    SELECT md5('payout:' || i)::uuid, x.sent_at - interval '1 day', b.id, p.provider_id,
           x.amount, 'PO-' || lpad(i::text, 10, '0'), 'sent', '', p.name, p.account_number,
           'Bench Bank Shanghai', x.sent_at
    {PAYOUT}
"""  # noqa: S608

PARTS = f"""
    INSERT INTO settlement_payoutpart (payout_id, category, amount_fen, payable_account_id,
                                       claim_transfer_id)
    SELECT md5('payout:' || i)::uuid, 'compute', x.amount, p.id, md5('claim:' || i)::uuid
    {PAYOUT}
"""  # noqa: S608

TRANSFERS = f"""
    INSERT INTO ledger_transfer (id, ledger, currency, debit_account_id, credit_account_id,
                                 amount, kind, phase, pending_id, metadata, created_at)
    SELECT CASE WHEN s.post THEN md5('claim-post:' || i)::uuid ELSE md5('claim:' || i)::uuid END,
           '{LEDGER}', 'CNY', p.id, %(clearing)s, x.amount, 'payout_send',
           CASE WHEN s.post THEN 'post' ELSE 'pending' END,
           CASE WHEN s.post THEN md5('claim:' || i)::uuid END,
           jsonb_build_object('category', 'compute', 'provider', p.provider_id::text,
                              'payout', md5('payout:' || i)::uuid::text),
           CASE WHEN s.post THEN x.sent_at ELSE x.sent_at - interval '1 day' END
    {PAYOUT}
    CROSS JOIN (VALUES (false), (true)) AS s(post)
"""  # noqa: S608

ENTRIES = f"""
    INSERT INTO ledger_entry (transfer_id, account_id, ledger, side, pending_delta,
                              posted_delta, created_at)
    SELECT CASE WHEN s.post THEN md5('claim-post:' || i)::uuid ELSE md5('claim:' || i)::uuid END,
           CASE WHEN s.side = 'debit' THEN p.id ELSE %(clearing)s END,
           '{LEDGER}', s.side,
           CASE WHEN s.post THEN -x.amount ELSE x.amount END,
           CASE WHEN s.post THEN x.amount ELSE 0 END,
           CASE WHEN s.post THEN x.sent_at ELSE x.sent_at - interval '1 day' END
    {PAYOUT}
    CROSS JOIN (VALUES (false, 'debit'), (false, 'credit'), (true, 'debit'), (true, 'credit'))
        AS s(post, side)
"""  # noqa: S608

# The statement: one payment line per payout, in reference order; every `unknown`'th line
# names a reference no payout has.
STATEMENT = """
    COPY (
        SELECT current_date AS value_date,
               CASE WHEN %(unknown)s > 0 AND n %% %(unknown)s = 0
                    THEN 'PO-X' || lpad(n::text, 9, '0') ELSE reference END AS reference,
               '-' || (amount_fen / 100) || '.' || lpad((amount_fen %% 100)::text, 2, '0')
                   AS amount,
               'CNY' AS currency,
               account_number AS counterparty_account,
               'Subsidy payout ' || reference AS description
        FROM (
            SELECT row_number() OVER (ORDER BY reference) AS n, reference, amount_fen,
                   account_number
            FROM settlement_payout
            ORDER BY reference
            LIMIT %(lines)s
        ) AS payouts
        ORDER BY n
    ) TO STDOUT WITH (FORMAT csv, HEADER true)
"""


def seed(payouts: int, provider_count: int) -> dict[str, Any]:
    from django.db import transaction

    from programmes.services import programme_seed
    from settlement.models import PayoutBatch
    from settlement.services import clearing_account

    programme, _ = programme_seed(preset="shanghai-2025", code=LEDGER)
    maker = finance_officer("maker@bench.local")
    checker = finance_officer("checker@bench.local")
    importer = finance_officer("importer@bench.local")
    providers = providers_create(programme, provider_count)
    clearing = clearing_account(programme)
    scratch_table(
        "bench_payables",
        [(p.number, p.payable_account_id, p.id, p.name, p.account_number) for p in providers],
        "n int PRIMARY KEY, id uuid NOT NULL, provider_id uuid NOT NULL, name text, "
        "account_number text",
    )
    batch_count = -(-payouts // provider_count)
    batches = PayoutBatch.objects.bulk_create(
        [
            PayoutBatch(
                programme=programme,
                status=PayoutBatch.Status.APPROVED,
                cutoff_at=programme.created_at,
                prepared_by=maker,
                submitted_by=maker,
                approved_by=checker,
                prepared_at=programme.created_at,
                submitted_at=programme.created_at,
                approved_at=programme.created_at,
            )
            for _ in range(batch_count)
        ]
    )
    scratch_table(
        "bench_batches", [(n, b.pk) for n, b in enumerate(batches)], "n int PRIMARY KEY, id uuid"
    )
    for lo in range(1, payouts + 1, CHUNK):
        hi = min(payouts, lo + CHUNK - 1)
        params = {"lo": lo, "hi": hi, "providers": provider_count, "clearing": clearing.pk}
        with transaction.atomic():
            for statement in (PAYOUTS, PARTS, TRANSFERS, ENTRIES):
                sql(statement, params)
        print(f"  seeded {hi:,} payouts", flush=True)
    sql(
        "UPDATE settlement_payoutbatch AS b SET total_fen = s.total "
        "FROM (SELECT batch_id, SUM(amount_fen) AS total FROM settlement_payout "
        "GROUP BY batch_id) AS s WHERE b.id = s.batch_id"
    )
    counters_from_entries("SELECT id FROM ledger_account WHERE code = 'bank:clearing'")
    for table in ("ledger_entry", "ledger_transfer", "settlement_payout", "settlement_payoutpart"):
        sql(f"VACUUM ANALYZE {table}")
    return {"programme": programme, "importer": importer, "clearing": clearing}


def write_statement(path: Path, lines: int, unknown_every: int) -> int:
    """The CSV, streamed by PostgreSQL into the file. Returns the number of unknown lines."""
    from django.db import connection

    with (
        connection.cursor() as cursor,
        path.open("wb") as out,
        cursor.cursor.copy(STATEMENT, {"lines": lines, "unknown": unknown_every}) as copy,  # type: ignore[attr-defined]
    ):
        for block in copy:
            out.write(block)
    return lines // unknown_every if unknown_every > 0 else 0


def import_statement(path: Path, actor: Any, *, keep: bool) -> Any:
    """The service, as the upload view calls it; rolled back unless `keep`."""
    from django.db import transaction

    from settlement.reconciliation import statement_import

    with path.open("rb") as upload, transaction.atomic():
        statement, created = statement_import(upload=upload, filename=path.name, actor=actor)
        assert created, "the statement was imported before"
        if not keep:
            transaction.set_rollback(True)
    return statement


def profile(path: Path, actor: Any) -> None:
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        seconds, _ = timed(functools.partial(import_statement, path, actor, keep=False))
    count: Counter[str] = Counter()
    spent: dict[str, float] = {}
    for query in captured.captured_queries:
        key = query["sql"][:90]
        count[key] += 1
        spent[key] = spent.get(key, 0.0) + float(query["time"])
    print(
        f"profile: {len(captured.captured_queries):,} queries, {sum(spent.values()):.2f} s of "
        f"{seconds:.2f} s in the database; by statement (first 90 characters):"
    )
    for key, total in sorted(spent.items(), key=lambda item: -item[1])[:10]:
        print(f"  {total:7.2f} s  {count[key]:7,} x  {key}")
    profiler = cProfile.Profile()
    profiler.runcall(functools.partial(import_statement, path, actor, keep=False))
    print("profile: Python, by cumulative time:")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--payouts", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=None, help="default: one per payout")
    parser.add_argument("--providers", type=int, default=1000)
    parser.add_argument("--unknown-every", type=int, default=1000, help="0: none")
    parser.add_argument("--profile", action="store_true", help="queries and cProfile")
    parser.add_argument(
        "--no-tracemalloc",
        dest="tracemalloc",
        action="store_false",
        help="skip the (slow) rolled-back run under tracemalloc",
    )
    args = parser.parse_args()
    lines = args.payouts if args.lines is None else min(args.lines, args.payouts)

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    print(f"database {url}; seeding {args.payouts:,} sent payouts, {args.providers:,} providers")
    recreate_database(url)
    migrate(url)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    setup_django(url)
    seconds, world = timed(lambda: seed(args.payouts, args.providers))
    print(f"seeded in {seconds:.1f} s; load average {load_average()}")

    from ledger.checks import ledger_check
    from ledger.services import balances_of
    from settlement.models import Payout, PayoutBatch

    with tempfile.TemporaryDirectory(prefix="bench-statement-") as directory:
        path = Path(directory) / f"statement-{lines}.csv"
        unknown = write_statement(path, lines, args.unknown_every)
        print(f"statement {path.name}: {lines:,} lines, {path.stat().st_size / 1e6:.1f} MB")

        peak = traced_seconds = 0.0
        if args.tracemalloc:
            traced_seconds, peak, _ = traced(
                functools.partial(import_statement, path, world["importer"], keep=False)
            )
        if args.profile:
            profile(path, world["importer"])
        load = load_average()
        cpu = time.process_time()
        with RssPeak() as rss:
            seconds, statement = timed(
                functools.partial(import_statement, path, world["importer"], keep=True)
            )
        cpu = time.process_time() - cpu

    print(f"load average {load}")
    print(
        f"statement_import               {seconds:.2f} s for {statement.lines:,} lines "
        f"(target < 30 s); matched {statement.matched:,}, exceptions {statement.exceptions:,}"
    )
    print(f"  of which CPU in this process  {cpu:.2f} s (the rest: waiting on PostgreSQL)")
    if args.tracemalloc:
        print(
            f"peak memory (tracemalloc)      {mib(peak)}  (a rolled-back run, slowed by "
            f"tracemalloc to {traced_seconds:.2f} s)"
        )
    print(
        f"peak RSS during the timed run  {mib(rss.peak)}, {mib(rss.growth)} over its start; "
        f"process maxrss {maxrss_mib():.1f} MiB"
    )

    paid = Payout.objects.filter(status=Payout.Status.PAID).count()
    closed = PayoutBatch.objects.filter(status=PayoutBatch.Status.CLOSED).count()
    unpaid_fen = sum(
        Payout.objects.filter(status=Payout.Status.SENT).values_list("amount_fen", flat=True)
    )
    clearing = balances_of([world["clearing"]])[world["clearing"].pk]
    print(
        f"payouts paid {paid:,}, batches closed {closed:,}; bank:clearing holds "
        f"{clearing.credit_balance:,} fen, the unpaid payouts {unpaid_fen:,}"
    )
    ok = (
        statement.lines == lines
        and statement.matched == paid == lines - unknown
        and statement.exceptions == unknown
        and clearing.credit_balance == unpaid_fen
    )
    seconds, report = timed(lambda: ledger_check(LEDGER))
    print(f"ledger_check ({seconds:.1f} s): {'OK' if report.ok else report.problems[:3]}")
    if not (ok and report.ok):
        raise SystemExit("CHECK FAILED")


if __name__ == "__main__":
    main()
