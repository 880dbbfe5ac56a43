"""`gridgov anonymise-departed [--today YYYY-MM-DD]`: strip the identity of those long gone (PIPL art. 47).

Run it daily (cron or the worker). Whoever moved away more than GRIDGOV_RESIDENT_RETENTION_DAYS ago
keeps gender, birth year and the history of stays, so past figures still count them, but loses name,
document number, phone, workplace and tags for good.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gridgov.core import audit, context
from gridgov.people.services import privacy


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today: {text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Anonymise residents who moved away longer ago than GRIDGOV_RESIDENT_RETENTION_DAYS "
        "and print how many."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=str,
            default=None,
            help="count the retention period back from this date (default: today); to catch up, or in tests",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options["today"] else timezone.localdate()
        days = settings.GRIDGOV_RESIDENT_RETENTION_DAYS
        with context.acting_as_system("cli", "cli:anonymise-departed"):
            count = privacy.anonymise_departed(today)
            audit.record_event(
                "command",
                "anonymise-departed",
                {"anonymised": count, "today": today.isoformat(), "retention_days": days},
            )
        self.stdout.write(
            f"{count} residents anonymised (moved away before {today - dt.timedelta(days=days)}, "
            f"retention {days} days)"
        )
