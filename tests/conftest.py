from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core import mail
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


# --- browser tests (pytest-playwright on the machine's Chromium) -------------------------------
# Playwright's own browser download does not work here (nor on a city intranet): the tests drive
# Debian's Chromium. Without it, browser tests are skipped, and the run says so at its end.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
HAS_CHROMIUM = Path(CHROMIUM).exists()
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
# Playwright's sync API runs an event loop in the test's thread; the test's own database calls
# there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAS_CHROMIUM:
        return
    skip = pytest.mark.skip(reason=f"browser test: no Chromium at {CHROMIUM}")
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not HAS_CHROMIUM:
        terminalreporter.write_line(
            f"Browser tests were SKIPPED: no Chromium at {CHROMIUM} "
            "(apt-get install chromium, or set CHROMIUM=/path/to/chromium).",
            yellow=True,
        )


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """`screenshot(page, name)` saves the page as screenshots/<name>.png (git-ignored), for
    a person to look at; `full_page=False` keeps to the window."""

    def take(page: Any, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def offline_page(page: Any, live_server: Any) -> Any:
    """A page that can reach only the test's own server: every request to another host is
    refused and recorded in `page.foreign_requests`, as on a city intranet."""
    own = live_server.url
    foreign: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(own) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            foreign.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.foreign_requests = foreign
    return page


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


PROJECT_APPS = (
    "core",
    "accounts",
    "ledger",
    "programmes",
    "providers",
    "vouchers",
    "marketplace",
    "settlement",
)
# A refusal's answer is remembered under its Idempotency-Key by design: not a domain write.
NOT_DOMAIN_STATE = frozenset({"core.IdempotencyKey"})


def database_state() -> dict[str, Any]:
    """Every row of every project table (all columns), and the e-mails sent: what a refused
    request must leave exactly as it was."""
    state: dict[str, Any] = {"mail.outbox": len(mail.outbox)}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.label in NOT_DOMAIN_STATE:
                continue
            columns = [field.attname for field in model._meta.concrete_fields]
            rows = model._default_manager.order_by().values_list(*columns)
            state[model._meta.label] = sorted(rows, key=repr)
    return state


NothingWritten = Callable[[], AbstractContextManager[None]]


@pytest.fixture
def nothing_written() -> NothingWritten:
    """`with nothing_written(): ...` fails, naming the tables, unless the block leaves every
    project table and the mail outbox as they were."""

    @contextmanager
    def check() -> Iterator[None]:
        before = database_state()
        yield
        after = database_state()
        assert [label for label in before if before[label] != after[label]] == []

    return check


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
