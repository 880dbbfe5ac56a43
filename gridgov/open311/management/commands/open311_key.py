"""`gridgov open311-key create|list|revoke`: the api keys of outside systems that post Open311 requests."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from gridgov.core import context
from gridgov.open311.models import HINT_LENGTH, Open311Key


class Command(BaseCommand):
    help = "Create, list or revoke Open311 api keys (one per outside system)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key for an outside system; printed once")
        create.add_argument("name", help="the outside system, e.g. wenling-12345")
        sub.add_parser("list", help="list the keys: start, state, name, requests, last use")
        revoke = sub.add_parser("revoke", help="revoke a key by the start of it (as `list` shows)")
        revoke.add_argument("hint")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        with context.acting_as_system("cli", f"cli:open311-key {action}"):
            if action == "create":
                self._create(options["name"].strip())
            elif action == "list":
                self._list()
            else:
                self._revoke(options["hint"].strip().rstrip("…"))

    def _create(self, name: str) -> None:
        if not name or len(name) > 100:
            raise CommandError("give the outside system a name of 1 to 100 characters")
        if Open311Key.objects.filter(name=name).exists():
            raise CommandError(f"a key named {name!r} exists; revoke it and choose another name")
        _key, raw = Open311Key.issue(name)
        self.stdout.write(raw)
        self.stderr.write("Keep it now: it is shown only once. Clients send it as api_key.")

    def _list(self) -> None:
        for key in Open311Key.objects.annotate(posted=Count("requests")).order_by("created_at"):
            state = "revoked" if key.revoked_at else "active"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            self.stdout.write(
                f"{key.key_hint}…  {state:8} {key.name}  created {key.created_at:%Y-%m-%d}  "
                f"requests {key.posted}  last used {used}"
            )

    def _revoke(self, hint: str) -> None:
        if len(hint) < 6:
            raise CommandError("give at least the first 6 characters of the key")
        matches = list(Open311Key.objects.filter(key_hint__startswith=hint[:HINT_LENGTH], revoked_at=None))
        if len(matches) != 1:
            raise CommandError(f"{len(matches)} active keys start with {hint!r}; give more of the key")
        matches[0].revoked_at = timezone.now()
        matches[0].save()
        self.stdout.write(f"revoked {matches[0].key_hint}… ({matches[0].name})")
