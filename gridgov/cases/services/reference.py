"""Reference data every intake reads, kept per process while the database's stamp stays the same.

Categories, triage rules, webhook endpoints, and each grid with the people who would hold its cases
change a few times a year; intake reads them on every report. A process keeps them and asks the
database one question per intake — the stamp in `cases_referenceversion`, which triggers renew in the
same transaction as any change to those tables (see models/reference.py) — the way the locate index
keeps the map while MapVersion stays the same. Grids and departments are filled in lazily, the first
time a case lands in them.

The cached instances are shared between threads and only ever read.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from gridgov.accounts.models import User
from gridgov.cases.models import Category, Department, ReferenceVersion, TriageRule, WebhookEndpoint
from gridgov.cases.services import routing
from gridgov.core import prepared
from gridgov.geo.models import Grid


@dataclass
class References:
    stamp: int
    categories: dict[str, Category]  # active ones, by code, with their department
    rules: list[TriageRule]  # active ones, in priority order, with category and department
    endpoints: list[WebhookEndpoint]  # active ones
    _grids: dict[int, tuple[Grid, User | None, User | None]] = field(default_factory=dict)
    _members: dict[int, User | None] = field(default_factory=dict)

    def grid(self, grid_id: int) -> Grid:
        return self._grid(grid_id)[0]

    def _grid(self, grid_id: int) -> tuple[Grid, User | None, User | None]:
        found = self._grids.get(grid_id)
        if found is None:
            self._grids.update(_around(grid_id))
            found = self._grids[grid_id]
        return found

    # The routing.Staff protocol, answered from the cache.
    def worker(self, grid: Grid) -> User | None:
        return self._grid(grid.pk)[1]

    def operator(self, grid: Grid) -> User | None:
        return self._grid(grid.pk)[2]

    def member(self, department: Department) -> User | None:
        if department.pk not in self._members:
            self._members[department.pk] = routing.LIVE.member(department)
        return self._members[department.pk]


def _around(grid_id: int) -> dict[int, tuple[Grid, User | None, User | None]]:
    """Every grid of `grid_id`'s sub-district with who holds its cases (routing.grid_handler and
    routing.command_operator, asked of the whole sub-district at once): a new process meets a
    sub-district's grids one by one, and one query for all of them costs about what one costs."""
    sub_district = Grid.objects.filter(pk=grid_id).values_list("village__sub_district_id", flat=True).first()
    if sub_district is None:
        raise Grid.DoesNotExist(f"no grid {grid_id}")
    # The boundary is deferred: it is large, intake does not need it, and an audited model
    # snapshots every loaded field.
    grids = list(
        Grid.objects.select_related("village", "police_zone__officer", "leader")
        .defer("boundary")
        .filter(village__sub_district_id=sub_district)
    )
    # Each grid's worker on duty: its active worker of the lowest key, as grid_handler() picks.
    first: dict[int, int] = {}
    duty = Grid.workers.through.objects.filter(grid__in=grids, user__is_active=True)
    for grid_pk, user_pk in duty.order_by("grid_id", "user_id").values_list("grid_id", "user_id"):
        first.setdefault(grid_pk, user_pk)
    workers = User.objects.in_bulk(set(first.values()))
    operator = routing.command_operator(grids[0])  # the sub-district's: the same for all its grids
    found = {}
    for grid in grids:
        worker = workers.get(first[grid.pk]) if grid.pk in first else None
        if worker is None and grid.leader is not None and grid.leader.is_active:
            worker = grid.leader
        found[grid.pk] = (grid, worker, operator)
    return found


def _load(stamp: int) -> References:
    return References(
        stamp,
        {c.code: c for c in Category.objects.filter(active=True).select_related("department")},
        list(TriageRule.objects.filter(active=True).select_related("category__department", "department")),
        list(WebhookEndpoint.objects.filter(active=True)),
    )


_TABLE = ReferenceVersion._meta.db_table
_STAMP = f"SELECT (SELECT stamp FROM {_TABLE} WHERE id = 1)"  # noqa: S608 (a constant)
# Whether the stamp is still the one given: a guard for a write made with the data of that stamp.
_STILL = f"EXISTS (SELECT FROM {_TABLE} WHERE id = 1 AND stamp = %s::bigint)"


def still_current(refs: References) -> tuple[str, list[Any]]:
    """SQL (and its parameter) true while the database's stamp is the one `refs` were loaded with: a
    write made with them can check, in its own statement, that they are still the data to use."""
    return _STILL, [refs.stamp]


def current_stamp() -> Any:
    """The database's stamp now (None before any reference data was loaded)."""
    return prepared.fetch(connection, _STAMP)[0][0]


class _Cache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: References | None = None

    def get(self) -> References:
        """The reference data as of now: one single-row read when nothing changed."""
        return self.get_with(())[0]

    def get_with(self, also: Sequence[str]) -> tuple[References, tuple[Any, ...]]:
        """get(), and the values of the SQL expressions `also` (constants of the caller's), read in
        the same round trip: intake's new primary keys on PostgreSQL."""
        # Plain SQL: the ORM would spend more time building this one-row read than the database
        # spends answering it, on every intake.
        row = prepared.fetch(connection, ", ".join([_STAMP, *also]))[0]
        stamp: Any = row[0]
        return self._current_for(stamp), tuple(row[1:])

    def kept(self) -> References | None:
        """The reference data this process last loaded, unchecked (None before the first load): for
        a write that checks the stamp itself (still_current())."""
        return self._current

    def _current_for(self, stamp: Any) -> References:
        current = self._current
        if current is not None and current.stamp == stamp:
            return current
        with self._lock:
            if stamp is None:
                # No row yet (just migrated, or flushed): start one, so the next intakes can trust
                # what this one loads. A concurrent first writer wins; its stamp is as good.
                stamp = ReferenceVersion.objects.get_or_create(
                    pk=1, defaults={"stamp": secrets.randbits(63)}
                )[0].stamp
            if self._current is None or self._current.stamp != stamp:
                self._current = _load(stamp)
            return self._current

    def clear(self) -> None:
        with self._lock:
            self._current = None


references = _Cache()
