"""Idempotency keys (API.md, Conventions: Idempotency), through real endpoints and real threads."""

from __future__ import annotations

import functools
import queue
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Membership, User
from accounts.roles import Role
from core import idempotency
from core.models import AuditEvent, IdempotencyKey
from core.tasks import purge_idempotency_keys
from tests import factories
from tests.core.urls_testing import SlowGate

MEMBERS = "/api/v1/organisations/me/members"
SLOW = "/api/v1/_test/slow"
PASSWORD = "a-long-passphrase-1"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WAIT_SECONDS = 30


def _member(email: str, role: str = "firm_member") -> dict[str, str]:
    return {"email": email, "password": PASSWORD, "role": role}


def _post(client: APIClient, body: dict[str, Any], key: str, path: str = MEMBERS) -> Any:
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def admin() -> User:
    return factories.user_with_role(Role.FIRM_ADMIN)


@pytest.mark.django_db
class TestReplay:
    def test_same_key_and_body_replays_the_first_response_and_writes_nothing(
        self, admin: User, client_for: Callable[[Any], APIClient]
    ) -> None:
        client = client_for(admin)

        first = _post(client, _member("b@example.com"), "key-1")
        again = _post(client, _member("b@example.com"), "key-1")

        assert first.status_code == 201
        assert "Idempotent-Replayed" not in first
        assert again.status_code == 201
        assert again["Idempotent-Replayed"] == "true"
        assert again["Content-Type"] == "application/json"
        assert again.json() == first.json()
        assert Membership.objects.filter(user__email="b@example.com").count() == 1
        assert AuditEvent.objects.filter(action="membership.added").count() == 1
        record = IdempotencyKey.objects.get(user=admin, key="key-1")
        assert record.response_status == 201
        assert record.response_body == first.json()
        assert "Content-Type" not in record.response_headers  # negotiated again on replay

    def test_same_key_with_another_body_is_409_reused(
        self, admin: User, client_for: Callable[[Any], APIClient]
    ) -> None:
        client = client_for(admin)
        assert _post(client, _member("b@example.com"), "key-1").status_code == 201

        response = _post(client, _member("c@example.com"), "key-1")

        assert response.status_code == 409
        assert response.json() == {
            "error": {
                "code": "idempotency_key_reused",
                "message": "This Idempotency-Key was used with a different request body.",
                "fields": {},
            }
        }
        assert not User.objects.filter(email="c@example.com").exists()
        assert AuditEvent.objects.filter(action="membership.added").count() == 1

    def test_the_same_key_on_another_path_is_a_different_request(
        self, admin: User, client_for: Callable[[Any], APIClient]
    ) -> None:
        client = client_for(admin)
        assert _post(client, _member("b@example.com"), "key-1").status_code == 201

        response = _post(
            client,
            {"credit_code": factories.credit_code(), "relation": "shareholder"},
            "key-1",
            path="/api/v1/organisations/me/affiliations",
        )

        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_key_reused"

    def test_keys_belong_to_their_user(self, client_for: Callable[[Any], APIClient]) -> None:
        first_admin = factories.user_with_role(Role.FIRM_ADMIN)
        second_admin = factories.user_with_role(Role.FIRM_ADMIN)

        first = _post(client_for(first_admin), _member("b@example.com"), "shared-key")
        second = _post(client_for(second_admin), _member("c@example.com"), "shared-key")

        assert first.status_code == 201
        assert second.status_code == 201
        assert "Idempotent-Replayed" not in second
        assert second.json()["email"] == "c@example.com"
        assert IdempotencyKey.objects.filter(key="shared-key").count() == 2
        assert AuditEvent.objects.filter(action="membership.added").count() == 2

    def test_a_4xx_is_remembered_and_replayed(
        self, admin: User, client_for: Callable[[Any], APIClient]
    ) -> None:
        client = client_for(admin)
        wrong_kind = _member("p@example.com", role="provider_member")

        first = _post(client, wrong_kind, "key-4xx")
        again = _post(client, wrong_kind, "key-4xx")

        assert first.status_code == 400
        assert first.json()["error"]["code"] == "validation_error"
        assert first.json()["error"]["fields"] == {
            "role": ["Must be one of firm_admin, firm_member."]
        }
        assert "Idempotent-Replayed" not in first
        assert again.status_code == 400
        assert again["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
        assert not User.objects.filter(email="p@example.com").exists()
        assert AuditEvent.objects.count() == 0

    def test_without_a_key_every_request_runs(
        self, admin: User, client_for: Callable[[Any], APIClient]
    ) -> None:
        client = client_for(admin)

        first = client.post(MEMBERS, _member("b@example.com"), format="json")
        again = client.post(MEMBERS, _member("b@example.com"), format="json")

        assert first.status_code == 201
        assert again.status_code == 400
        assert again.json()["error"]["fields"] == {
            "email": ["A user with this e-mail already exists."]
        }
        assert IdempotencyKey.objects.count() == 0

    @pytest.mark.parametrize("key", ["k" * 256, "tab\tinside"])
    def test_a_bad_key_is_400_and_nothing_is_written(
        self, admin: User, client_for: Callable[[Any], APIClient], key: str
    ) -> None:
        response = _post(client_for(admin), _member("b@example.com"), key)

        assert response.status_code == 400
        assert response.json() == {
            "error": {
                "code": "validation_error",
                "message": "Idempotency-Key must be 1 to 255 printable characters.",
                "fields": {"Idempotency-Key": ["Must be 1 to 255 printable characters."]},
            }
        }
        assert not User.objects.filter(email="b@example.com").exists()
        assert IdempotencyKey.objects.count() == 0
        assert AuditEvent.objects.count() == 0

    def test_a_255_character_key_is_accepted(
        self, admin: User, client_for: Callable[[Any], APIClient]
    ) -> None:
        client = client_for(admin)

        first = _post(client, _member("b@example.com"), "k" * 255)
        again = _post(client, _member("b@example.com"), "k" * 255)

        assert first.status_code == 201
        assert again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
class TestExpiry:
    def test_the_purge_task_deletes_keys_older_than_24_hours(
        self, client_for: Callable[[Any], APIClient], time_machine: Any
    ) -> None:
        time_machine.move_to(START, tick=False)
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        client = client_for(admin)
        assert _post(client, _member("old@example.com"), "old").status_code == 201
        time_machine.move_to(START + timedelta(hours=23), tick=False)
        assert _post(client, _member("young@example.com"), "young").status_code == 201

        time_machine.move_to(START + settings.IDEMPOTENCY_KEY_TTL, tick=False)
        assert purge_idempotency_keys() == 0

        time_machine.move_to(
            START + settings.IDEMPOTENCY_KEY_TTL + timedelta(seconds=1), tick=False
        )
        assert purge_idempotency_keys.delay().get() == 1

        assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["young"]

    def test_a_key_past_its_ttl_can_be_reused(
        self, client_for: Callable[[Any], APIClient], time_machine: Any
    ) -> None:
        time_machine.move_to(START, tick=False)
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        client = client_for(admin)
        assert _post(client, _member("b@example.com"), "key-1").status_code == 201

        time_machine.move_to(START + timedelta(hours=23, minutes=59), tick=False)
        assert _post(client, _member("c@example.com"), "key-1").status_code == 409

        time_machine.move_to(START + timedelta(hours=24, seconds=1), tick=False)
        response = _post(client, _member("c@example.com"), "key-1")

        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response
        assert response.json()["email"] == "c@example.com"
        record = IdempotencyKey.objects.get(user=admin, key="key-1")
        assert record.created_at == START + timedelta(hours=24, seconds=1)


@pytest.fixture
def slow_gate() -> Iterator[type[SlowGate]]:
    SlowGate.reset()
    yield SlowGate
    SlowGate.release.set()  # never leave a thread waiting, whatever the test did


def _in_thread(
    target: Callable[[], Any], results: queue.Queue[Any], barrier: threading.Barrier
) -> threading.Thread:
    def run() -> None:
        try:
            barrier.wait(timeout=WAIT_SECONDS)
            results.put(target())
        except Exception as exc:  # reported to the test thread, which fails on it
            results.put(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _answered_post(
    client: APIClient, body: dict[str, Any], key: str, path: str = MEMBERS
) -> tuple[int, dict[str, Any], str | None]:
    response = _post(client, body, key, path)
    return response.status_code, response.json(), response.get("Idempotent-Replayed")


@pytest.mark.django_db(transaction=True)
class TestConcurrency:
    @pytest.mark.urls("tests.core.urls_testing")
    def test_a_concurrent_duplicate_is_409_in_use_and_a_later_retry_replays(
        self, client_for: Callable[[Any], APIClient], slow_gate: type[SlowGate]
    ) -> None:
        user = factories.user_with_role(Role.FIRM_ADMIN)
        clients = [client_for(user) for _ in range(5)]
        body = {"amount": 7}
        barrier = threading.Barrier(len(clients))
        results: queue.Queue[Any] = queue.Queue()
        threads = [
            _in_thread(functools.partial(_answered_post, c, body, "race", SLOW), results, barrier)
            for c in clients
        ]

        # Everyone but the request holding the key answers while that one is still running.
        early = [results.get(timeout=WAIT_SECONDS) for _ in range(len(clients) - 1)]
        assert slow_gate.entered.is_set()
        # The key's record commits with the first request's answer, not before.
        assert not IdempotencyKey.objects.filter(key="race").exists()
        slow_gate.release.set()
        last = results.get(timeout=WAIT_SECONDS)
        for thread in threads:
            thread.join(timeout=WAIT_SECONDS)

        in_use = {
            "error": {
                "code": "idempotency_key_in_use",
                "message": "A request with this Idempotency-Key is still being processed.",
                "fields": {},
            }
        }
        assert early == [(409, in_use, None)] * (len(clients) - 1)
        assert last == (201, {"call": 1, "echo": body}, None)
        assert slow_gate.calls == 1

        retry = _post(clients[0], body, "race", SLOW)
        assert retry.status_code == 201
        assert retry["Idempotent-Replayed"] == "true"
        assert retry.json() == {"call": 1, "echo": body}
        assert slow_gate.calls == 1

    @pytest.mark.urls("tests.core.urls_testing")
    def test_a_concurrent_request_with_another_body_is_409_in_use_then_reused(
        self, client_for: Callable[[Any], APIClient], slow_gate: type[SlowGate]
    ) -> None:
        user = factories.user_with_role(Role.FIRM_ADMIN)
        first_client, second_client = client_for(user), client_for(user)
        results: queue.Queue[Any] = queue.Queue()
        thread = _in_thread(
            functools.partial(_answered_post, first_client, {"amount": 1}, "race", SLOW),
            results,
            threading.Barrier(1),
        )
        assert slow_gate.entered.wait(timeout=WAIT_SECONDS)

        # While the first runs, its body is not yet on record: the key is simply in use.
        second = _post(second_client, {"amount": 2}, "race", SLOW)
        slow_gate.release.set()
        first = results.get(timeout=WAIT_SECONDS)
        thread.join(timeout=WAIT_SECONDS)
        third = _post(second_client, {"amount": 2}, "race", SLOW)

        assert second.status_code == 409
        assert second.json()["error"]["code"] == "idempotency_key_in_use"
        assert first == (201, {"call": 1, "echo": {"amount": 1}}, None)
        assert third.status_code == 409
        assert third.json()["error"]["code"] == "idempotency_key_reused"
        assert slow_gate.calls == 1

    def test_racing_duplicates_on_a_real_endpoint_write_once(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        clients = [client_for(admin) for _ in range(6)]
        barrier = threading.Barrier(len(clients))
        results: queue.Queue[Any] = queue.Queue()
        threads = [
            _in_thread(
                functools.partial(_answered_post, c, _member("b@example.com"), "race"),
                results,
                barrier,
            )
            for c in clients
        ]
        answers = [results.get(timeout=WAIT_SECONDS) for _ in clients]
        for thread in threads:
            thread.join(timeout=WAIT_SECONDS)

        created = [a for a in answers if a[0] == 201 and a[2] is None]
        replayed = [a for a in answers if a[0] == 201 and a[2] == "true"]
        in_use = [a for a in answers if a[0] == 409]
        assert len(created) == 1, answers
        assert len(created) + len(replayed) + len(in_use) == len(clients), answers
        assert all(a[1] == created[0][1] for a in replayed)
        assert all(a[1]["error"]["code"] == "idempotency_key_in_use" for a in in_use)
        assert Membership.objects.filter(user__email="b@example.com").count() == 1
        assert AuditEvent.objects.filter(action="membership.added").count() == 1


@pytest.mark.django_db
class TestLostRace:
    """A request whose lookup began before a duplicate committed misses that record; the
    unique (user, key) constraint catches it on insert. Simulated by blinding the lookup."""

    @pytest.mark.urls("tests.core.urls_testing")
    def test_a_success_that_lost_the_race_is_rolled_back_and_replays_the_winner(
        self,
        admin: User,
        client_for: Callable[[Any], APIClient],
        slow_gate: type[SlowGate],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        client = client_for(admin)
        slow_gate.release.set()
        first = _post(client, {"amount": 7}, "race", SLOW)
        monkeypatch.setattr(idempotency, "_lookup", _blind_lookup)

        second = _post(client, {"amount": 7}, "race", SLOW)

        assert slow_gate.calls == 2  # the loser's view did run ...
        assert second.status_code == 201
        assert second["Idempotent-Replayed"] == "true"
        assert second.json() == first.json() == {"call": 1, "echo": {"amount": 7}}
        assert IdempotencyKey.objects.get(key="race").response_body == first.json()

    def test_a_refusal_that_lost_the_race_replays_the_winner_and_writes_nothing(
        self, admin: User, client_for: Callable[[Any], APIClient], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        client = client_for(admin)
        first = _post(client, _member("b@example.com"), "key-1")
        monkeypatch.setattr(idempotency, "_lookup", _blind_lookup)

        # Run again, the view refuses (the member now exists); the key answers as it did.
        second = _post(client, _member("b@example.com"), "key-1")

        assert second.status_code == 201
        assert second["Idempotent-Replayed"] == "true"
        assert second.json() == first.json()
        assert Membership.objects.filter(user__email="b@example.com").count() == 1
        assert AuditEvent.objects.filter(action="membership.added").count() == 1
        assert IdempotencyKey.objects.get(key="key-1").response_status == 201


def _blind_lookup(*, user_id: Any, key: str) -> None:
    return None
