"""底数清: the counts that say whether a place's population is known and current.

One function computes them per grid; villages and sub-districts add their grids up. The UI, the API
and the export all call it, so the same place always shows the same numbers.

Every figure answers "as of a date": who lived where on that date (the move-in/move-out history), tags
valid on it, registrations lapsed by it. Today's figures read the present columns (household, grid),
which the history's open stays mirror; a past date shifts them by the stays that changed since
(figures_past). Households and buildings carry no dates: they are counted as they stand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from gridgov.geo.models import Grid
from gridgov.people.models import Building, Household, ResidenceRegistration, Resident, ResidentTag
from gridgov.people.services import figures_cache
from gridgov.people.services.figures_past import shift_to_past


@dataclass
class Figures:
    households: int = 0
    registered: int = 0
    floating: int = 0
    tagged: int = 0
    lapsed_registrations: int = 0
    empty_households: int = 0
    buildings_without_households: int = 0

    @property
    def residents(self) -> int:
        return self.registered + self.floating

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        return {**asdict(self), "residents": self.residents}


LABELS = {
    "households": "households",
    "residents": "residents",
    "registered": "registered residents",
    "floating": "floating residents",
    "tagged": "tagged people",
    "lapsed_registrations": "lapsed registrations",
    "empty_households": "empty households",
    "buildings_without_households": "buildings with no households",
}


def _count_by_grid(qs: Any, field: str = "grid_id", distinct: str = "") -> dict[int, int]:
    # No ordering: a model's default ordering (a household's building, unit, room) would join those
    # tables into a count that needs none of them. COUNT(*), not COUNT(id): PostgreSQL then answers from
    # a covering index without reading the rows.
    count = Count(distinct, distinct=True) if distinct else Count("*")
    return dict(qs.order_by().values_list(field).annotate(n=count).values_list(field, "n"))


def _lapsed(grid_ids: Any, on: dt.date, today: dt.date) -> dict[int, int]:
    """Registrations past their expected end and not ended as of `on` (an end on `on` no longer counts:
    moving out ends the registration on the move-out day, and whoever moves out is gone that day)."""
    lapsed = ResidenceRegistration.objects.filter(household__grid__in=grid_ids, expected_end__lt=on)
    counts = _count_by_grid(lapsed.filter(ended_on=None), "household__grid_id")
    if on < today:  # and those ended since: two queries, each on an index, rather than one with an OR
        for grid_id, n in _count_by_grid(lapsed.filter(ended_on__gt=on), "household__grid_id").items():
            counts[grid_id] = counts.get(grid_id, 0) + n
    return counts


def figures_by_grid(grids: Any, on: dt.date | None = None) -> dict[int, Figures]:
    """Figures for each grid of a queryset of grids (already restricted by the caller), as of `on`.
    Today's are kept per grid between reads while nothing in the grid changes (figures_cache)."""
    today = timezone.localdate()
    if on is None or on == today:
        return figures_cache.today_by_grid(grids, count_by_grid, today, Figures)
    return count_by_grid(grids, on)


def refresh_kept() -> int:
    """The worker's job: recount the grids whose kept figures changed (all of them after midnight)."""
    return figures_cache.refresh(count_by_grid, Figures)


def count_by_grid(grids: Any, on: dt.date, few: bool = False) -> dict[int, Figures]:
    """Figures for each grid counted from the registry, as of `on`. `few`: the grids are a handful
    (those changed since they were last counted), and their residents fewer than the city's tags."""
    today = timezone.localdate()
    grid_ids = grids.values("pk")
    present = Resident.objects.filter(grid__in=grid_ids, household__isnull=False, anonymised_at=None)
    # Kinds and tags in one pass over the present residents' index. Tags as `id IN (the residents with
    # a tag valid on the date)`: both databases read the tags once into a lookup table for it.
    with_tag = ResidentTag.objects.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
    # A handful of grids looks each resident's tags up by index; SQLite otherwise builds a lookup table
    # of every tag in the city for them (20–35 ms at city scale, against 1.5 ms).
    tagged = (
        Q(Exists(with_tag.filter(resident=OuterRef("pk"))))
        if few
        else Q(pk__in=with_tag.values("resident_id"))
    )
    kinds = (
        present.order_by()
        .values_list("grid_id", "kind")
        .annotate(n=Count("*"), tagged=Count("pk", filter=tagged))
    )
    households = _count_by_grid(Household.objects.filter(grid__in=grid_ids))
    # Empty households and bare buildings by subtraction: counting the distinct households of present
    # residents (a present resident's grid is their household's) and the distinct buildings of
    # households (a household's grid is its building's) reads two indexes once; NOT EXISTS per row
    # probes another index for each of a sub-district's tens of thousands of households.
    occupied = _count_by_grid(present, distinct="household_id")
    buildings = _count_by_grid(Building.objects.filter(grid__in=grid_ids))
    built_on = _count_by_grid(Household.objects.filter(grid__in=grid_ids), distinct="building_id")
    empty = {g: n - occupied.get(g, 0) for g, n in households.items()}
    bare = {g: n - built_on.get(g, 0) for g, n in buildings.items()}
    lapsed = _lapsed(grid_ids, on, today)
    result: dict[int, Figures] = defaultdict(Figures)
    for grid_id in grids.values_list("pk", flat=True):
        result[grid_id] = Figures()
    for grid_id, kind, n, tagged in kinds.values_list("grid_id", "kind", "n", "tagged"):
        setattr(result[grid_id], "registered" if kind == Resident.Kind.REGISTERED else "floating", n)
        result[grid_id].tagged += tagged
    for source, name in (
        (households, "households"),
        (empty, "empty_households"),
        (lapsed, "lapsed_registrations"),
        (bare, "buildings_without_households"),
    ):
        for grid_id, n in source.items():
            setattr(result[grid_id], name, n)
    if on < today:
        shift_to_past(result, grid_ids, on)
    return dict(result)


def figures_for(grids: Any, on: dt.date | None = None) -> Figures:
    total = Figures()
    for one in figures_by_grid(grids, on).values():
        total.add(one)
    return total


def figures_by(grids: Any, level: str, on: dt.date | None = None) -> list[tuple[str, str, Figures]]:
    """Rows of (code, name, figures) per grid, village or sub-district, for tables and exports."""
    per_grid = figures_by_grid(grids, on)
    path = {"grid": "", "village": "village__", "sub_district": "village__sub_district__"}[level]
    rows: dict[str, tuple[str, Figures]] = {}
    for pk, code, name in Grid.objects.filter(pk__in=list(per_grid)).values_list(
        "pk", f"{path}code", f"{path}name"
    ):
        entry = rows.setdefault(code, (name, Figures()))
        entry[1].add(per_grid[pk])
    return [(code, name, figs) for code, (name, figs) in sorted(rows.items())]
