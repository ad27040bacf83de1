"""First-start set-up for `make run` and docker compose: the demo world run through a full
cycle (`manage.py demo`), a Django admin and the staff logins.

Idempotent: running it again changes nothing and prints the same logins.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from accounts.services import staff_create
from programmes.services import programme_seed
from settlement.management.commands.demo import demo_starts_on

DEMO_PASSWORD = "demo-password-2025"  # noqa: S105 - a documented demo login, printed on start
ADMIN_EMAIL = "admin@example.com"
STAFF = [
    ("officer@example.com", Role.PROGRAMME_OFFICER),
    ("finance1@example.com", Role.FINANCE_OFFICER),
    ("finance2@example.com", Role.FINANCE_OFFICER),
    ("auditor@example.com", Role.AUDITOR),
]


class Command(BaseCommand):
    help = "Seed SH2025 and create the demo admin and staff users (idempotent); print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("demo", stdout=self.stdout)  # the lived-in world; a no-op once it exists
        with transaction.atomic():
            programme, created = programme_seed(
                preset="shanghai-2025", code="SH2025", starts_on=demo_starts_on()
            )
            if not User.objects.filter(email=ADMIN_EMAIL).exists():
                User.objects.create_superuser(email=ADMIN_EMAIL, password=DEMO_PASSWORD)
            for email, role in STAFF:
                staff_create(email=email, password=DEMO_PASSWORD, role=role)
        self.stdout.write("")
        self.stdout.write(f"Programme {programme.code}: {programme.name}")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  Django admin  http://127.0.0.1:8000/admin/  {ADMIN_EMAIL}")
        for email, role in STAFF:
            self.stdout.write(f"  {role:<18}  {email}")
        self.stdout.write("API docs: http://127.0.0.1:8000/api/docs/")
        self.stdout.write("")
