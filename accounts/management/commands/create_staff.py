from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.roles import STAFF_ROLES
from accounts.services import staff_create
from core.exceptions import DomainError


class Command(BaseCommand):
    help = "Create a staff user (programme officer, finance officer or auditor)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=sorted(STAFF_ROLES))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = staff_create(
                email=options["email"], password=options["password"], role=options["role"]
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields or ''}".strip()) from exc
        self.stdout.write(f"staff user {user.email} has role {options['role']}")
