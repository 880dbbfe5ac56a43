"""`gridgov audit verify|seal|prune|tail`: the audit trail from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.core import audit, audit_chain, context
from gridgov.core.models import AuditEntry


class Command(BaseCommand):
    help = "Verify, seal, prune or show the audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="seal pending entries, then check the whole hash chain")
        sub.add_parser("seal", help="give pending entries their place in the chain")
        prune = sub.add_parser("prune", help="remove entries older than the retention period")
        prune.add_argument("--older-than-days", type=int, required=True)
        tail = sub.add_parser("tail", help="show the newest entries")
        tail.add_argument("-n", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        with context.acting_as_system("cli", f"cli:audit {action}"):
            if action == "seal":
                self.stdout.write(f"sealed {audit_chain.seal_pending()} entries")
            elif action == "verify":
                sealed = audit_chain.seal_pending()
                result = audit_chain.verify()
                if not result.ok:
                    where = f"entry seq {result.first_bad_seq}"
                    if result.first_bad_id is not None:
                        where += f" (id {result.first_bad_id})"
                    raise CommandError(
                        f"audit chain BROKEN at {where}: {result.problem}; "
                        f"{result.checked} entries before it are intact"
                    )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"audit chain intact: {result.checked} entries verified ({sealed} newly sealed)"
                    )
                )
            elif action == "prune":
                try:
                    removed = audit_chain.prune(options["older_than_days"])
                except ValueError as error:
                    raise CommandError(str(error)) from None
                audit.record_event("command", "audit prune", {"removed": removed})
                self.stdout.write(f"removed {removed} entries")
            else:
                for entry in AuditEntry.objects.order_by("-id")[: options["n"]]:
                    self.stdout.write(f"{entry.seq or '-':>8} {entry}")
