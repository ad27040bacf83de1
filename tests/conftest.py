from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from config.celery import app as celery_app
from ledger.checks import ledger_check
from tests import factories
from tests.clock import NOW, SHANGHAI, TEST_TODAY

# Append-only tables (core.db.append_only) refuse TRUNCATE, which is how a transactional test
# (`django_db(transaction=True)`) empties the database afterwards. Only that flush may bypass
# the triggers: it disables them, truncates and re-enables them in one transaction.
_APPEND_ONLY_TRUNCATE_TRIGGERS = """
DO $$
DECLARE row record;
BEGIN
    FOR row IN
        SELECT tgrelid::regclass AS table_name, tgname FROM pg_trigger
        WHERE tgname LIKE '%append_only_truncate'
    LOOP
        EXECUTE format('ALTER TABLE %s {action} TRIGGER %I', row.table_name, row.tgname);
    END LOOP;
END $$;
"""


@pytest.fixture(autouse=True, scope="session")
def _flush_append_only_tables() -> Iterator[None]:
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self: DatabaseOperations, *args: Any, **kwargs: Any) -> list[str]:
        statements = original(self, *args, **kwargs)
        if not statements:
            return statements
        return [
            _APPEND_ONLY_TRUNCATE_TRIGGERS.format(action="DISABLE"),
            *statements,
            _APPEND_ONLY_TRUNCATE_TRIGGERS.format(action="ENABLE"),
        ]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True, scope="session")
def _test_today() -> Iterator[None]:
    """With TEST_TODAY set, every test runs on that day: the clock is moved there for the
    whole session (and ticks); tests that freeze or move it do so from there."""
    if TEST_TODAY is None:
        yield
        return
    today = dt.datetime.combine(dt.date.fromisoformat(TEST_TODAY), dt.time(10, 0), SHANGHAI)
    with time_machine.travel(today, tick=True):
        yield


@pytest.fixture
def clock(time_machine: Any) -> Any:
    """The clock frozen at `tests.clock.NOW`; move it with `clock.move_to` or `clock.shift`."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery() -> Iterator[None]:
    """Unit tests run task bodies eagerly; tests of delivery start a real worker instead."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _no_throttling(settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for() -> Callable[[Any], APIClient]:
    """An API client authenticated with a real API token of `user`."""

    def make(user: Any) -> APIClient:
        from knox.models import AuthToken

        _, token = AuthToken.objects.create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


@pytest.fixture
def assert_ledger_ok() -> Callable[[str | None], None]:
    def check(ledger: str | None = None) -> None:
        report = ledger_check(ledger)
        assert report.ok, "\n".join(report.lines())

    return check


__all__ = ["factories"]
