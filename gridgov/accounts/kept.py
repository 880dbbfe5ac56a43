"""Bearer tokens kept per process for the routes whose one write checks the token itself.

Every API call looks its token up (gridgov.accounts.middleware): a revoked token, or a disabled account,
is refused from the next call on. On the busiest route, intake's `POST /api/v1/cases`, that lookup was
a statement of its own before the one write. There the token rides on the write instead: the
middleware takes the account from the token's last lookup, kept here for at most KEEP_SECONDS, and the
write stores nothing unless, in its own snapshot,
- the token still exists, unrevoked and unexpired, its account active and as much a superuser as it
  was (`Kept.guard()`), and
- the reference stamp is still the one read *before* that lookup (`Kept.stamp`): every change to an
  account's name, role, scope or active flag renews it (gridgov.cases.services.reference_triggers), so
  the account is as it was looked up.
Where either does not hold, or anything else ends the kept path before the write (bad input, a refusal,
another stamp), the caller asks the database (`Kept.verify()`): 401 for a token no longer usable, else
the account as it is now. Nothing is answered on a kept token that the database has not confirmed.

A route opts in with `check_in_write()`; the owner of the stamp registers how to read it (`stamp_by`).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models.base import ModelState

from gridgov.accounts.models import User

KEEP_SECONDS = 60.0  # also how often a token's last use is written (see the middleware)
_MAX = 10_000  # tokens kept per process; beyond that the table starts afresh

_ROUTES: set[tuple[str, str]] = set()
_stamp: list[Callable[[], Any]] = []
_kept: dict[str, Kept] = {}
_lock = threading.Lock()

# Checks a kept token in the write's own statement: the token usable, its account active, and still
# a superuser or not as looked up (the one attribute has_perm reads that the stamp does not follow).
_GUARD = (
    "EXISTS (SELECT FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id"
    " WHERE t.id = %s::bigint AND t.revoked_at IS NULL"
    " AND (t.expires_at IS NULL OR t.expires_at > statement_timestamp())"
    " AND u.is_active AND u.is_superuser = %s::boolean)"
)


def check_in_write(method: str, path: str) -> None:
    """Let requests of `method` to `path` run on a kept token: their view passes `request.kept_token`
    to a write that checks it (and calls verify() wherever it answers without such a write)."""
    _ROUTES.add((method, path))


def stamp_by(read: Callable[[], Any]) -> None:
    """How to read the stamp every change to an account renews (one reader per process)."""
    _stamp[:] = [read]


def checks_in_write(method: str, path: str) -> bool:
    return bool(_stamp) and (method, path) in _ROUTES


def stamp_now() -> Any:
    return _stamp[0]()


@dataclass(frozen=True, slots=True)
class Kept:
    digest: str
    token_id: int
    expires_at: dt.datetime | None
    stamp: Any  # read before the lookup these values come from
    kept_at: float  # time.monotonic()
    db: str
    values: dict[str, Any]  # the account's loaded attributes, its audit snapshot among them

    def user(self) -> User:
        """A fresh instance of the account as looked up (never one shared between requests)."""
        user = User.__new__(User)
        user.__dict__.update(self.values)
        user._state = ModelState()
        user._state.adding, user._state.db = False, self.db
        return user

    def guard(self) -> tuple[str, list[Any]]:
        return _GUARD, [self.token_id, bool(self.values.get("is_superuser"))]

    def verify(self) -> User:
        """The account as the database has it now; ApiError 401 where the token is no longer usable."""
        from gridgov.accounts.middleware import authenticate

        drop(self.digest)
        return authenticate(self.digest)


def take(digest: str) -> Kept | None:
    """The kept lookup of this token, while young enough and unexpired by the clock."""
    kept = _kept.get(digest)
    if kept is None or time.monotonic() - kept.kept_at > KEEP_SECONDS:
        return None
    if kept.expires_at is not None and kept.expires_at <= dt.datetime.now(dt.UTC):
        return None
    return kept


def keep(digest: str, token_id: int, expires_at: dt.datetime | None, stamp: Any, user: User) -> None:
    values = {k: v for k, v in user.__dict__.items() if k != "_state"}
    kept = Kept(digest, token_id, expires_at, stamp, time.monotonic(), user._state.db or "default", values)
    with _lock:
        if len(_kept) >= _MAX:
            _kept.clear()
        _kept[digest] = kept


def drop(digest: str) -> None:
    _kept.pop(digest, None)
