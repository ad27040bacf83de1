import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import DomainError
from programmes.services import preset_names, programme_seed


class Command(BaseCommand):
    help = "Create a programme from a preset and fund its pools. Running it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preset", required=True, choices=preset_names())
        parser.add_argument("--code", required=True, help="The programme code, e.g. SH2025.")
        parser.add_argument("--name", help="A name other than the preset's.")
        parser.add_argument(
            "--starts-on",
            type=dt.date.fromisoformat,
            help="Run from this day (YYYY-MM-DD) for the preset's length, not its own dates.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            programme, created = programme_seed(
                preset=options["preset"],
                code=options["code"],
                name=options["name"],
                starts_on=options["starts_on"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        verb = "created and funded" if created else "already exists; nothing changed"
        self.stdout.write(f"programme {programme.code} ({programme.name}) {verb}")
        for pool in programme.pools.order_by("category"):
            self.stdout.write(
                f"  {pool.category:<8} budget {pool.budget_fen} fen, rate {pool.rate_bps} bps, "
                f"cap {pool.firm_cap_fen} fen per firm per year"
            )
