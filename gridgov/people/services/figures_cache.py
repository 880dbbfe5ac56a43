"""Today's 底数清 figures per grid, kept between reads for as long as nothing in the grid changes.

A sub-district's figures count tens of thousands of residents; counting them on every page view costs
more than a page may take (over 100 ms on PostgreSQL at city scale). Triggers append a row to
`people_gridchange` for every grid a write touches (figures_triggers), so each grid has a *mark* that
grows with every committed change. A grid's figures are counted once per mark and day and kept in
`people_gridfigures`; a read counts again only the grids whose mark or day moved, and the worker
recounts those in the background so that readers seldom have to.

Why this is never stale: the marks are read before counting, so what is counted includes at least
every change the stored mark stands for. A change that commits during the count may or may not be in
it, but it raises the mark beyond the stored one, and the next read counts that grid again.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from gridgov.geo.models import Grid
from gridgov.people.models import GridChange, GridFigures

Count = Callable[..., dict[int, Any]]  # figures.count_by_grid: (grids, on, few) → {grid: Figures}
COUNTS = [
    "households",
    "registered",
    "floating",
    "tagged",
    "lapsed_registrations",
    "empty_households",
    "buildings_without_households",
]
CHUNK = 2_000  # grids counted per query when only some are stale (one IN list each)
FEW = 50  # up to this many grids are counted the way that suits a handful (count_by_grid's `few`)


def _marks_and_kept(grids: Any) -> Any:
    mark = (
        GridChange.objects.filter(grid_id=OuterRef("pk"))
        .order_by()
        .values("grid_id")
        .annotate(total=Sum("weight"))
        .values("total")
    )
    kept = [f"registry_figures__{name}" for name in ("on", "mark", *COUNTS)]
    return (
        grids.order_by()
        .annotate(current=Coalesce(Subquery(mark, output_field=IntegerField()), Value(0)))
        .values_list("pk", "current", *kept)
    )


def today_by_grid(grids: Any, count: Count, today: dt.date, make: Callable[..., Any]) -> dict[int, Any]:
    """Figures for each grid of a queryset of grids as of today: kept ones where still true, the others
    counted by `count` and kept. `make(**counts)` builds a Figures."""
    result: dict[int, Any] = {}
    stale: dict[int, int] = {}
    for pk, current, on, mark, *counts in _marks_and_kept(grids):
        if on == today and mark == current:
            result[pk] = make(**dict(zip(COUNTS, counts, strict=True)))
        else:
            stale[pk] = current
    if not stale:
        return result
    if not result:  # all stale (a new day): one count over the caller's queryset, not IN lists
        counted = count(grids, today, few=len(stale) <= FEW)
    else:
        counted = {}
        pks = list(stale)
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            counted.update(count(Grid.objects.filter(pk__in=chunk), today, few=len(chunk) <= FEW))
    _keep(counted, stale, today)
    result.update(counted)
    return result


def _keep(counted: dict[int, Any], marks: dict[int, int], today: dt.date) -> None:
    rows = [
        GridFigures(grid_id=pk, on=today, mark=marks[pk], **{name: getattr(f, name) for name in COUNTS})
        for pk, f in counted.items()
        if pk in marks
    ]
    # Two readers may keep the same grid at once: both counted after reading their mark, so either row
    # is true for its mark, and the last one stays.
    try:
        with _without_waiting(), transaction.atomic():
            GridFigures.objects.bulk_create(
                rows,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["grid"],
                update_fields=["on", "mark", *COUNTS],
            )
    except OperationalError:
        # SQLite's one writer is busy (an import holds it for seconds): the counts are the answer all
        # the same, and the next read or the worker keeps them. A page must not wait on an import.
        if connection.vendor != "sqlite":
            raise


@contextmanager
def _without_waiting() -> Iterator[None]:
    """On SQLite, give up at once instead of waiting for the write lock (30 s by the settings)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:  # inside, the lock is ours already
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        waited = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")


def compact() -> int:
    """Fold each grid's change rows into one row of the same total weight (so every mark stays what it
    was); returns how many rows were folded. Rows appended meanwhile are not seen and stay as they are."""
    table = GridChange._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE grid_id IN "  # noqa: S608 (a model's table name)
            f"(SELECT grid_id FROM {table} GROUP BY grid_id HAVING COUNT(*) > 1) RETURNING grid_id, weight"
        )
        deleted = cursor.fetchall()
        totals: dict[int, int] = defaultdict(int)
        for grid_id, weight in deleted:
            totals[grid_id] += weight
        GridChange.objects.bulk_create(
            [GridChange(grid_id=g, weight=w) for g, w in totals.items()], batch_size=1_000
        )
    return len(deleted)


def refresh(count: Count, make: Callable[..., Any], budget_seconds: float = 20.0) -> int:
    """The worker's job: fold the change rows, then count every grid whose kept figures are no longer
    true (all of them after midnight), a chunk at a time until done or out of time. Returns grids
    counted."""
    compact()
    today = timezone.localdate()
    deadline = time.monotonic() + budget_seconds
    done = 0
    stale = _stale_grids(today)
    for start in range(0, len(stale), CHUNK):
        if time.monotonic() > deadline:
            break
        done += len(
            today_by_grid(Grid.objects.filter(pk__in=stale[start : start + CHUNK]), count, today, make)
        )
    return done


def _stale_grids(today: dt.date) -> list[int]:
    return [
        pk
        for pk, current, on, mark, *_ in _marks_and_kept(Grid.objects.all())
        if on != today or mark != current
    ]
