"""A real Celery worker killed with SIGKILL while it prepares a payout batch (DESIGN.md 2,
step 5; 4, "acks_late, idempotent").

The world is built through the services and committed (`transaction=True`), so that worker
processes see it. The worker runs `settlement.tasks.prepare_payout_batch` from a queue of its
own on a dedicated Redis database, against this test's database. To kill it "in the middle",
the test holds a row lock the preparation needs, from its own PostgreSQL connection, and waits
until the worker's backend is blocked on that lock (`pg_blocking_pids`): no sleeps stand in
for synchronisation.

- `programme`: the preparation's first lock, taken before it writes anything.
- `clearing`: the `bank:clearing` account, which the preparation updates (with its pending
  claims) after it has inserted the batch's payouts and payout parts. The worker is killed
  holding those uncommitted rows, and the test checks that nothing of them survives. While it
  is paused there, holding the programme's row lock, an order placed in the programme must
  go through at once.

The worker runs with `--pool=solo`, so the task runs in the process that is killed (the prefork
pool's `task_reject_on_worker_lost` does not come into it), and the killed worker never acks
the message. The Redis transport restores unacked messages
whose visibility timeout has passed, in its periodic `restore_visible` sweep and once when a
worker starts (kombu.transport.redis.QoS.restore_visible): the test workers get a 1 s
visibility timeout and a sweep every second (`broker.transport_options` from the worker's
command line), so the second worker takes the message over at once and prepares the batch,
exactly once. The same message delivered once more then changes nothing.

It needs PostgreSQL and Redis (CELERY_BROKER_URL's server, else 127.0.0.1:6379, database 11),
and is skipped without them.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from kombu import Connection

from accounts.models import User
from accounts.roles import Role
from config.celery import app as celery_app
from ledger.checks import ledger_check
from ledger.models import Account, Transfer
from marketplace import services as marketplace
from marketplace.models import Offering, Order
from programmes.models import Programme
from providers.services import bank_account_set
from settlement import services as settlement
from settlement.models import Clawback, Payout, PayoutBatch, PayoutPart
from settlement.tasks import prepare_payout_batch
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

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
]

REDIS_DB = 11  # this test's own Redis database, flushed when it starts
# For a worker to start and block, or to finish the batch: seconds on an idle machine, but a
# Celery worker starting on two busy cores has been seen to need more than 30.
WAIT_SECONDS = 120
POLL_SECONDS = 0.05
TRANSPORT_OPTIONS = {
    "visibility_timeout": 1,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


def _broker_url() -> str:
    """The Redis of CELERY_BROKER_URL (127.0.0.1:6379 without it), on REDIS_DB."""
    parts = urlsplit(os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0")
    if parts.scheme not in ("redis", "rediss"):
        parts = urlsplit("redis://127.0.0.1:6379/0")
    return f"{parts.scheme}://{parts.netloc}/{REDIS_DB}"


def _database_url() -> str:
    """This test's database (test_...), for the worker processes."""
    db = connection.settings_dict
    user = quote(db["USER"] or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _connect(autocommit: bool) -> psycopg.Connection[Any]:
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=autocommit,
    )


def _wait_for(what: str, condition: Callable[[], Any], *, log: Worker | None = None) -> Any:
    """Poll `condition` until it returns something truthy; fail after WAIT_SECONDS, showing
    the worker's log if one is given."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            output = f"\nworker {log.name}:\n{log.output()}" if log else ""
            pytest.fail(f"timed out after {WAIT_SECONDS}s waiting for {what}{output}")
        time.sleep(POLL_SECONDS)


# --- worker processes ----------------------------------------------------------------------


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def require_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(
                f"worker {self.name} exited with {self.process.returncode}:\n{self.output()}"
            )

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no ack, no restore of unacked messages."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


StartWorker = Callable[[], Worker]


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(_broker_url())
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {_broker_url()}: {exc}")
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def publisher(broker: redis.Redis) -> Iterator[Connection]:
    """A connection to the test's broker, to enqueue tasks for the workers."""
    conn = celery_app.connection_for_write(_broker_url())
    try:
        yield conn
    finally:
        conn.release()


@pytest.fixture
def queue_name() -> str:
    return f"settlement-crash-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def start_worker(broker: redis.Redis, queue_name: str, tmp_path: Path) -> Iterator[StartWorker]:
    """Start real workers (`celery -A config worker --pool=solo`) on the test's queue; every
    one still running is killed when the test ends, whatever happens."""
    celery = Path(sys.executable).with_name("celery")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": _broker_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "INFO",  # the test reads "Task ...[id] succeeded" from the worker's log
        "PYTHONUNBUFFERED": "1",
    }
    started: list[Worker] = []

    def start() -> Worker:
        name = f"crash{len(started) + 1}"
        log = tmp_path / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    str(celery),
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "-Q",
                    queue_name,
                    "-n",
                    f"{name}-{queue_name}@%h",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                    "--",
                    f"broker.transport_options=(json){json.dumps(TRANSPORT_OPTIONS)}",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as one
            )
        worker = Worker(name, process, log)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.kill()


# --- the world -----------------------------------------------------------------------------


@dataclass
class World:
    programme: Programme
    providers: dict[str, User]  # label -> provider admin
    maker: User
    spare: tuple[Offering, Voucher]  # for an order placed while a batch is being prepared


def _confirmed(
    offering: Offering, voucher: Voucher, provider: User, quantity: str, delivered: str
) -> Order:
    order = placed_order(offering, voucher, quantity)
    delivered_order(order, provider, delivered)
    return marketplace.order_confirm(actor=voucher.application.applied_by, order_id=order.pk)


def _build_world() -> World:
    """Providers with captured subsidy, through the services:

    - `both`: compute and model, with a bank account (two payout parts);
    - `compute`: two compute orders, one of them clawed back, with a bank account;
    - `model`: a partly delivered model order, with a bank account;
    - `no_bank`: compute, without a bank account (its payout is held and claims nothing);
    - `nothing_due`: an order awaiting confirmation and a cancelled one (held, not captured).
    """
    programme, _ = seeded_programme(preset="shanghai-2025", code=f"CR{uuid.uuid4().hex[:8]}")
    officer = user_with_role(Role.PROGRAMME_OFFICER)
    maker = user_with_role(Role.FINANCE_OFFICER)
    categories = {
        "both": ("compute", "model"),
        "compute": ("compute",),
        "model": ("model",),
        "no_bank": ("compute",),
        "nothing_due": ("compute",),
    }
    providers = {
        label: accredited_provider_admin(programme, cats, officer=officer)
        for label, cats in categories.items()
    }
    for index, label in enumerate(["both", "compute", "model"]):
        bank_account_set(
            actor=providers[label],
            account_name=f"{label} provider",
            account_number=f"62170000{index:010d}",
            bank_name="Bank of Shanghai",
        )
    offerings = {
        (label, category): listed_offering(
            providers[label], programme, category, unit="gpu_hour", unit_price_fen=2000
        )
        for label, cats in categories.items()
        for category in cats
    }
    firm_a = issued_voucher(programme, "compute", 2_000_000, officer=officer)
    firm_a_model = issued_voucher(
        programme, "model", 2_000_000, firm_admin=firm_a.application.applied_by, officer=officer
    )
    firm_b = issued_voucher(programme, "compute", 2_000_000, officer=officer)

    _confirmed(offerings["both", "compute"], firm_a, providers["both"], "100", "100")
    _confirmed(offerings["both", "model"], firm_a_model, providers["both"], "40", "40")
    _confirmed(offerings["compute", "compute"], firm_b, providers["compute"], "30", "30")
    clawed = _confirmed(offerings["compute", "compute"], firm_a, providers["compute"], "7", "7")
    settlement.clawback_create(order_id=clawed.pk, reason="Ineligible", actor=maker)
    _confirmed(offerings["model", "model"], firm_a_model, providers["model"], "12.5", "10.25")
    _confirmed(offerings["no_bank", "compute"], firm_b, providers["no_bank"], "3", "2")
    awaiting = placed_order(offerings["nothing_due", "compute"], firm_b, "5")
    delivered_order(awaiting, providers["nothing_due"], "5")
    cancelled = placed_order(offerings["nothing_due", "compute"], firm_a, "1")
    marketplace.order_cancel(actor=firm_a.application.applied_by, order_id=cancelled.pk)
    spare = (offerings["nothing_due", "compute"], firm_b)
    return World(programme=programme, providers=providers, maker=maker, spare=spare)


def _due_by_provider(programme: Programme) -> dict[uuid.UUID, int]:
    """What each provider is owed, from the orders and clawbacks (not from the ledger)."""
    due: Counter[uuid.UUID] = Counter()
    for provider_id, captured in Order.objects.filter(
        programme=programme, status=Order.Status.COMPLETED
    ).values_list("provider_id", "captured_subsidy_fen"):
        due[provider_id] += captured or 0
    for provider_id, amount in Clawback.objects.filter(order__programme=programme).values_list(
        "provider_id", "amount_fen"
    ):
        due[provider_id] -= amount
    return {provider_id: amount for provider_id, amount in due.items() if amount > 0}


# --- the lock that pauses the preparation ----------------------------------------------------


class RowLock:
    """`SELECT ... FOR UPDATE` of one row from the test's own connection, in an open
    transaction, until `release`."""

    def __init__(self, table: str, row_id: uuid.UUID) -> None:
        self.connection = _connect(autocommit=False)
        self.pid = self.connection.info.backend_pid
        self.connection.execute(
            f"SELECT id FROM {table} WHERE id = %s FOR UPDATE",  # noqa: S608 - a model's table
            [row_id],
        ).fetchone()

    def blocked_backends(self) -> list[int]:
        """The backends waiting for this lock."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                [self.pid],
            )
            return [pid for (pid,) in cursor.fetchall()]

    def release(self) -> None:
        if not self.connection.closed:
            self.connection.rollback()
            self.connection.close()


def _tables_written_by(pid: int) -> set[str]:
    """The tables a backend has written (it holds RowExclusiveLock on them) and not committed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relation::regclass::text FROM pg_locks "
            "WHERE pid = %s AND locktype = 'relation' AND mode = 'RowExclusiveLock' AND granted",
            [pid],
        )
        return {name for (name,) in cursor.fetchall()}


def _backend_gone(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == 0


def _order_meanwhile(world: World) -> None:
    """The preparation holds the programme's row lock; orders in the programme must not wait
    for it (the new order's foreign key to the programme takes a KEY SHARE lock at commit).
    A lock timeout turns waiting into a failure, not a hang. The order stays pending: it
    changes no one's due."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '5s'")
        try:
            offering, voucher = world.spare
            order = placed_order(offering, voucher, "1")
        finally:
            cursor.execute("RESET lock_timeout")
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PROVIDER


def _batch_status(batch_id: uuid.UUID) -> str:
    return PayoutBatch.objects.values_list("status", flat=True).get(pk=batch_id)


# --- the test ------------------------------------------------------------------------------


@pytest.mark.parametrize("paused_at", ["programme", "clearing"])
def test_a_worker_killed_while_preparing_a_batch_leaves_one_batch_prepared_once(
    paused_at: str,
    start_worker: StartWorker,
    queue_name: str,
    broker: redis.Redis,
    publisher: Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = _build_world()
    programme = world.programme
    expected = _due_by_provider(programme)
    assert len(expected) == 4  # both, compute, model, no_bank; nothing_due has nothing due
    clearing = settlement.clearing_account(programme)  # opened now, so that it can be locked

    with monkeypatch.context() as patch:
        # The batch is requested through the service; on commit it is enqueued, on the test's
        # queue and broker, for a real worker (not run eagerly).
        task_ids: list[str] = []

        def enqueue(batch_id: str) -> None:
            result = prepare_payout_batch.apply_async(
                args=[batch_id], queue=queue_name, connection=publisher
            )
            task_ids.append(result.id)

        patch.setattr(prepare_payout_batch, "delay", enqueue)
        celery_app.conf.task_always_eager = False  # the _eager_celery fixture restores it
        batch = settlement.payout_batch_request(programme=programme, actor=world.maker)
        assert len(task_ids) == 1
        assert broker.llen(queue_name) == 1
        [task_id] = task_ids

        # Locked once the batch is committed: its row's foreign key to the programme takes a
        # key share lock on the programme's row, which FOR UPDATE would block.
        if paused_at == "programme":
            lock = RowLock(Programme._meta.db_table, programme.pk)
        else:
            lock = RowLock(Account._meta.db_table, clearing.pk)
        try:
            first = start_worker()

            def blocked() -> list[int]:
                first.require_alive()
                return lock.blocked_backends()

            [backend] = _wait_for("the worker to block on the lock", blocked, log=first)
            written = _tables_written_by(backend)
            if paused_at == "programme":
                assert Payout._meta.db_table not in written, written
            else:  # mid-way: the batch's payouts and parts are written, not yet committed
                assert {Payout._meta.db_table, PayoutPart._meta.db_table} <= written, written
                _order_meanwhile(world)

            first.kill()
            lock.release()
            # The orphaned backend wakes, finds its client gone and rolls back.
            _wait_for("the killed worker's backend to end", lambda: _backend_gone(backend))
        finally:
            lock.release()

        # The killed transaction left nothing, and the message was never acked.
        assert _batch_status(batch.pk) == PayoutBatch.Status.PREPARING
        assert not Payout.objects.filter(batch=batch).exists()
        assert not PayoutPart.objects.filter(payout__batch=batch).exists()
        assert not Transfer.objects.filter(ledger=programme.code, kind="payout_send").exists()
        clearing.refresh_from_db()
        assert (clearing.credits_pending, clearing.credits_posted) == (0, 0)
        assert "succeeded" not in first.output()
        assert broker.hlen("unacked") == 1

        # Another worker takes the unacked message over and prepares the batch.
        second = start_worker()

        def prepared() -> bool:
            second.require_alive()
            return _batch_status(batch.pk) == PayoutBatch.Status.DRAFT

        _wait_for("the second worker to prepare the batch", prepared, log=second)
        _wait_for(
            "the second worker to finish the task",
            lambda: re.search(rf"\[{task_id}\] succeeded in [^:]*: True", second.output()),
            log=second,
        )

        # The same message delivered again (at-least-once delivery) changes nothing.
        prepare_payout_batch.apply_async(
            args=[str(batch.pk)], task_id=task_id, queue=queue_name, connection=publisher
        )
        _wait_for(
            "the duplicate delivery to be run",
            lambda: re.search(rf"\[{task_id}\] succeeded in [^:]*: False", second.output()),
            log=second,
        )
        _wait_for(
            "every message to be acked",
            lambda: broker.llen(queue_name) == 0 and broker.hlen("unacked") == 0,
            log=second,
        )
        celery_app.conf.task_always_eager = True

    _assert_prepared_once(world, batch.pk, expected)


def _assert_prepared_once(
    world: World, batch_id: uuid.UUID, expected: dict[uuid.UUID, int]
) -> None:
    programme = world.programme
    batch = PayoutBatch.objects.get(pk=batch_id)
    payouts = list(Payout.objects.filter(batch=batch))
    assert batch.status == PayoutBatch.Status.DRAFT

    # Each provider with something due has exactly one payout, for exactly what it is owed.
    assert Counter(p.provider_id for p in payouts) == Counter(expected.keys())
    assert {p.provider_id: p.amount_fen for p in payouts} == expected
    no_bank = world.providers["no_bank"].organisation_id
    assert no_bank is not None
    for payout in payouts:
        parts = list(PayoutPart.objects.filter(payout=payout))
        if payout.provider_id == no_bank:
            assert payout.status == Payout.Status.HELD
            assert parts == []
        else:
            assert payout.status == Payout.Status.PENDING
            assert sum(part.amount_fen for part in parts) == payout.amount_fen
    assert batch.total_fen == sum(p.amount_fen for p in payouts if p.provider_id != no_bank)
    both = world.providers["both"].organisation_id
    assert sorted(
        PayoutPart.objects.filter(payout__provider_id=both).values_list("category", flat=True)
    ) == ["compute", "model"]

    # No subsidy is claimed twice: one pending payout_send transfer per payout part, each for
    # that part, and no other batch or payout in the programme.
    assert PayoutBatch.objects.filter(programme=programme).count() == 1
    claim_parts = {
        part.claim_transfer_id: part for part in PayoutPart.objects.filter(payout__batch=batch)
    }
    claims = Transfer.objects.filter(ledger=programme.code, kind="payout_send")
    assert (
        claims.count()
        == len(claim_parts)
        == Transfer.objects.filter(
            ledger=programme.code, kind="payout_send", phase="pending"
        ).count()
    )
    claimed: defaultdict[uuid.UUID, int] = defaultdict(int)
    for claim in claims:
        part = claim_parts[claim.pk]
        assert (claim.amount, claim.debit_account_id) == (part.amount_fen, part.payable_account_id)
        claimed[part.payout.provider_id] += claim.amount
    assert claimed == {k: v for k, v in expected.items() if k != no_bank}
    clearing = settlement.clearing_account(programme)
    assert clearing.credits_pending == batch.total_fen == claims.aggregate(s=Sum("amount"))["s"]

    # A second batch now finds nothing more due, except the held provider's money.
    second = settlement.payout_batch_request(programme=programme, actor=world.maker)
    settlement.payout_batch_prepare(batch_id=second.pk)  # already done if Celery is eager
    again = {p.provider_id: p for p in Payout.objects.filter(batch=second)}
    assert set(again) == {no_bank}
    assert again[no_bank].amount_fen == expected[no_bank]
    assert again[no_bank].status == Payout.Status.HELD

    report = ledger_check(programme.code)
    assert report.ok, "\n".join(report.lines())
