"""`gridgov import FILE.xlsx --as USERNAME`: validate the whole workbook, then import all of it or nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.utils.translation import gettext as _

from gridgov.people.excel import report
from gridgov.people.excel.importer import acting_for, import_workbook

SHOWN = 50


class Bar:
    """A plain-text progress bar on stderr, redrawn in place with \\r, at most ten times a second."""

    def __init__(self, stream: OutputWrapper, width: int = 30) -> None:
        self.stream, self.width, self.last, self.drawn = stream, width, 0.0, False

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        share = min(1.0, done / total) if total else 0.0
        filled = int(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {share:4.0%} {phase} {done:,}/{total:,}   ", ending="")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Import buildings, households and residents from an Excel workbook (the template's sheets). "
        "Every row is checked first; any problem means nothing is imported and an error sheet is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as", dest="username", required=True, help="the account importing: its scope and role apply"
        )
        parser.add_argument("--errors", type=Path, default=None, help="where to write the error sheet")
        parser.add_argument("--check", action="store_true", help="validate only, import nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": path})
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(_("%(name)s: no such active account") % {"name": options["username"]})
        bar = Bar(self.stderr)
        progress = None if options["no_progress"] else bar
        try:
            with acting_for(user, "cli"):
                outcome = import_workbook(path, user, path.name, progress, dry_run=options["check"])
        finally:
            bar.close()
        plan = outcome.plan
        if not plan.ok:
            for line in report.lines(plan, SHOWN):
                self.stderr.write(line)
            errors_path: Path = options["errors"] or path.with_name(f"{path.stem}.errors.xlsx")
            with errors_path.open("wb") as handle:
                report.write(plan, handle)
            raise CommandError(
                _("%(count)d problems in %(file)s; nothing was imported. Error sheet: %(sheet)s")
                % {"count": len(plan.problems), "file": path.name, "sheet": errors_path}
            )
        if options["check"]:
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(file)s: %(rows)d rows checked, no problems") % {"file": path.name, "rows": plan.rows}
                )
            )
            return
        counts = report.counts_text(outcome.counts)
        self.stdout.write(
            self.style.SUCCESS(
                _("imported %(file)s: %(rows)d rows — %(counts)s")
                % {"file": path.name, "rows": plan.rows, "counts": counts}
            )
        )
