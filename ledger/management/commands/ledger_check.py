from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.checks import ledger_check


class Command(BaseCommand):
    help = "Check the ledger's conservation and cached balances. Exits non-zero on any difference."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--programme", metavar="CODE", help="Check only this programme's ledger."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = ledger_check(ledger=options["programme"])
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"ledger_check found {len(report.problems)} problem(s)")
