"""`gridgov token create|list|revoke`: API tokens for scripts and outside systems."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gridgov.accounts.models import ApiToken, User
from gridgov.core import context


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (Authorization: Bearer …)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for an account; printed once")
        create.add_argument("username")
        create.add_argument("--name", default="")
        create.add_argument("--expires-days", type=int, default=None)
        listing = sub.add_parser("list", help="list an account's tokens")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by the start of its key")
        revoke.add_argument("hint")

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        with context.acting_as_system("cli", f"cli:token {action}"):
            if action == "create":
                user = self._user(options["username"])
                if not user.is_active:
                    raise CommandError(f"account {user.username!r} is disabled")
                token, raw = ApiToken.issue(user, options["name"])
                if options["expires_days"]:
                    token.expires_at = timezone.now() + dt.timedelta(days=options["expires_days"])
                    token.save()
                self.stdout.write(raw)
                self.stderr.write("Keep it now: it is shown only once.")
            elif action == "list":
                for token in self._user(options["username"]).api_tokens.all():
                    state = "revoked" if token.revoked_at else ("active" if token.is_usable() else "expired")
                    self.stdout.write(
                        f"{token.key_hint}…  {state:8} {token.name}  created {token.created_at:%Y-%m-%d}"
                    )
            else:
                matches = list(
                    ApiToken.objects.filter(key_hint__startswith=options["hint"][:10], revoked_at=None)
                )
                if len(matches) != 1:
                    raise CommandError(
                        f"{len(matches)} active tokens start with {options['hint']!r}; give more of the key"
                    )
                matches[0].revoked_at = timezone.now()
                matches[0].save()
                self.stdout.write(f"revoked {matches[0].key_hint}…")
