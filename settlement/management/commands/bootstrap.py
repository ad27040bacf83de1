"""Start-up set-up, run after `migrate` by docker compose and `make run`. Idempotent.

- The Django admin's first user from DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD, if
  set (or create one with `manage.py createsuperuser`). Never a published password.
- Only with `--demo` or DJANGO_DEMO=true: the demo world run through a full cycle
  (`manage.py demo`), the SH2025 programme and the demo staff logins, whose password is
  published. Production never asks for it.
"""

import os
import secrets
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from accounts.services import staff_create, superuser_ensure
from core.exceptions import DomainError
from programmes.services import programme_seed
from settlement.management.commands.demo import demo_starts_on

DEMO_PASSWORD = "demo-password-2025"  # noqa: S105 - the demo's published staff password
DEMO_ADMIN_EMAIL = "admin@example.com"
DEMO_STAFF = [
    ("officer@example.com", Role.PROGRAMME_OFFICER),
    ("finance1@example.com", Role.FINANCE_OFFICER),
    ("finance2@example.com", Role.FINANCE_OFFICER),
    ("auditor@example.com", Role.AUDITOR),
]


class Command(BaseCommand):
    help = (
        "Create the Django admin's first user from DJANGO_SUPERUSER_EMAIL/_PASSWORD; with "
        "--demo (or DJANGO_DEMO=true) also the demo world and demo logins. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="also create the demo world and the demo logins (never in production)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        admin_email = self._superuser_from_environment()
        if options["demo"] or settings.DEMO:
            self._demo(admin_email)

    def _superuser_from_environment(self) -> str | None:
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "").strip()
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if not email and not password:
            return None
        if not email or not password:
            raise CommandError(
                "Set both DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD, or neither."
            )
        try:
            user, created = superuser_ensure(email=email, password=password)
        except DomainError as exc:
            raise CommandError(f"DJANGO_SUPERUSER_PASSWORD: {exc.message} {exc.fields}") from exc
        if created:
            self.stdout.write(f"Django admin {user.email} created.")
        else:
            self.stdout.write(f"Django admin {user.email} exists; left unchanged.")
        return user.email

    def _demo(self, admin_email: str | None) -> None:
        call_command("demo", stdout=self.stdout)  # the lived-in world; a no-op once it exists
        admin_password = None
        with transaction.atomic():
            programme, _ = programme_seed(
                preset="shanghai-2025", code="SH2025", starts_on=demo_starts_on()
            )
            if admin_email is None:
                admin_email = DEMO_ADMIN_EMAIL
                if not User.objects.filter(email=admin_email).exists():
                    # Random, shown once: the admin of even a demo has no published password.
                    admin_password = secrets.token_urlsafe(12)
                    User.objects.create_superuser(email=admin_email, password=admin_password)
            for email, role in DEMO_STAFF:
                staff_create(email=email, password=DEMO_PASSWORD, role=role)
        self.stdout.write("")
        self.stdout.write(f"Programme {programme.code}: {programme.name}")
        if admin_password is not None:
            self.stdout.write(
                f"Django admin  http://127.0.0.1:8000/admin/  {admin_email}  "
                f"password {admin_password} (shown once)"
            )
        else:
            self.stdout.write(
                f"Django admin  http://127.0.0.1:8000/admin/  {admin_email}  (a new password: "
                f"manage.py changepassword {admin_email})"
            )
        self.stdout.write(f"Demo staff logins (password for all: {DEMO_PASSWORD})")
        for email, role in DEMO_STAFF:
            self.stdout.write(f"  {role:<18}  {email}")
        self.stdout.write("API docs: http://127.0.0.1:8000/api/docs/")
        self.stdout.write("")
