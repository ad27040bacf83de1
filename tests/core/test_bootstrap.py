"""`manage.py bootstrap`: the admin's first user from the environment; the demo only on request."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Organisation, User
from core.models import AuditEvent
from programmes.models import Programme

pytestmark = pytest.mark.django_db

ADMIN_PASSWORD = "quiet-harbour-lantern-42"


def _bootstrap(*args: str) -> str:
    out = StringIO()
    call_command("bootstrap", *args, stdout=out)
    return out.getvalue()


def _nothing_written() -> None:
    assert User.objects.count() == 0
    assert Organisation.objects.count() == 0
    assert Programme.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.fixture(autouse=True)
def _no_superuser_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_SUPERUSER_EMAIL", raising=False)
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)


def test_without_a_request_it_creates_no_user_and_no_demo() -> None:
    assert _bootstrap() == ""
    _nothing_written()


def test_the_first_admin_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Ops@City.example")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", ADMIN_PASSWORD)

    assert _bootstrap() == "Django admin ops@city.example created.\n"

    [admin] = User.objects.all()
    assert (admin.email, admin.is_staff, admin.is_superuser) == ("ops@city.example", True, True)
    assert admin.check_password(ADMIN_PASSWORD)
    [event] = AuditEvent.objects.all()
    assert (event.action, event.object_id, event.after) == (
        "user.superuser_created",
        str(admin.pk),
        {"email": "ops@city.example"},
    )
    assert Programme.objects.count() == 0


def test_it_is_idempotent_and_never_resets_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ops@city.example")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", ADMIN_PASSWORD)
    _bootstrap()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "another-long-passphrase-9")

    assert _bootstrap() == "Django admin ops@city.example exists; left unchanged.\n"

    [admin] = User.objects.all()
    assert admin.check_password(ADMIN_PASSWORD)
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ops.city.example", "The password is too similar to the email."),
        ("4815162342", "This password is entirely numeric."),
    ],
)
def test_a_weak_admin_password_is_refused(
    monkeypatch: pytest.MonkeyPatch, password: str, message: str
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ops@city.example")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)

    with pytest.raises(CommandError, match=re.escape(message)):
        _bootstrap()

    _nothing_written()


@pytest.mark.parametrize("variable", ["DJANGO_SUPERUSER_EMAIL", "DJANGO_SUPERUSER_PASSWORD"])
def test_one_variable_without_the_other_is_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "ops@city.example")

    with pytest.raises(CommandError, match="Set both DJANGO_SUPERUSER_EMAIL and"):
        _bootstrap()

    _nothing_written()


def test_the_demo_on_request_has_no_published_admin_password(settings: Any) -> None:
    output = _bootstrap("--demo")

    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser
    shown = re.search(r"admin@example.com  password (\S+) \(shown once\)", output)
    assert shown is not None
    assert admin.check_password(shown[1])
    assert not admin.check_password("demo-password-2025")
    assert Programme.objects.filter(code="SH2025").exists()
    assert Membership.objects.filter(user__email="finance2@example.com").exists()

    again = _bootstrap("--demo")  # idempotent: nothing new, no password shown again
    assert "shown once" not in again
    assert "manage.py changepassword admin@example.com" in again
    assert User.objects.filter(is_superuser=True).count() == 1


def test_django_demo_asks_for_the_demo_too(settings: Any) -> None:
    settings.DEMO = True

    _bootstrap()

    assert Programme.objects.filter(code="SH2025").exists()
    assert User.objects.filter(email="officer@example.com").exists()
