"""底数清 on a past date: today's counts shifted by the stays that began or ended since that date.

Who lived in a grid on date D is every stay with moved_in <= D < moved_out (a move-out day belongs to
the next stay, so moving house on D counts once). Reading every stay of a sub-district to find them
costs a walk through its whole history; the stays that changed after D are few for the dates people
ask about (the end of last month, of last year), so D's figures are today's minus the stays that began
after D plus the closed stays that covered D. For a date long ago this reads about as much as a full
recount, never more.

Each resident counts with their present kind (registered or floating): the registry keeps no history
of it. Anonymised residents still count where they lived: what anonymising keeps is meant for that.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q

from gridgov.people.models import Residence, Resident, ResidentTag

if TYPE_CHECKING:
    from gridgov.people.services.figures import Figures

_CHUNK = 5000  # household ids per IN list: well under SQLite's bound on parameters


def tag_valid_on(on: dt.date, resident: str = "pk") -> Exists:
    """The resident (an OuterRef to `resident`) has a tag valid on the date; a tag's end is inclusive."""
    return Exists(
        ResidentTag.objects.filter(resident=OuterRef(resident), start__lte=on).filter(
            Q(end__isnull=True) | Q(end__gte=on)
        )
    )


# (resident, grid counted in, household, household's grid, kind, tagged on D)
Stay = tuple[int, int, int, int, str, bool]


def _came_after(grid_ids: Any, on: dt.date) -> list[Stay]:
    """Residents counted today (in their present grid) whose present stay began after D."""
    # From the grids' present residents, each checked for its stay: the stays begun after a date are
    # spread over the whole city, and filtering them down to some grids visits every one of them.
    came = Residence.objects.filter(
        resident=OuterRef("pk"), household=OuterRef("household"), moved_out=None, moved_in__gt=on
    )
    present = Resident.objects.filter(grid__in=grid_ids, household__isnull=False, anonymised_at=None)
    rows = (
        present.filter(Exists(came))
        .annotate(tagged=tag_valid_on(on))
        .values_list("pk", "grid_id", "household_id", "grid_id", "kind", "tagged")
    )
    return list(rows.order_by())


def _left_after(grid_ids: Any, on: dt.date) -> list[Stay]:
    """Closed stays that covered D, counted in the grid of the household they were in."""
    stays = Residence.objects.filter(moved_out__gt=on, moved_in__lte=on, household__grid__in=grid_ids)
    rows = stays.annotate(tagged=tag_valid_on(on, "resident_id")).values_list(
        "resident_id", "household__grid_id", "household_id", "household__grid_id", "resident__kind", "tagged"
    )
    return list(rows.order_by())


def _living_now(households: Iterable[int]) -> dict[int, int]:
    """People in each household today, by the same rule as today's empty households."""
    ids, found = sorted(households), {}
    for start in range(0, len(ids), _CHUNK):
        rows = (
            Resident.objects.filter(household_id__in=ids[start : start + _CHUNK])
            .order_by()
            .values_list("household_id")
            .annotate(n=Count("*"))  # not COUNT(id): the household_id index alone answers it
        )
        found.update(dict(rows.values_list("household_id", "n")))
    return found


def shift_to_past(result: dict[int, Figures], grid_ids: Any, on: dt.date) -> None:
    """Turn today's figures per grid (`result`, every grid of `grid_ids`) into those of D, in place."""
    came, left = _came_after(grid_ids, on), _left_after(grid_ids, on)
    # Per person, not per stay: a resident counts once in a grid however their stays were cut.
    for stays, sign in ((came, -1), (left, 1)):
        people = {(grid, resident): (kind, tagged) for resident, grid, _h, _hg, kind, tagged in stays}
        for (grid, _resident), (kind, tagged) in people.items():
            figures = result[grid]
            if kind == Resident.Kind.REGISTERED:
                figures.registered += sign
            else:
                figures.floating += sign
            figures.tagged += sign * tagged
    # A household empty on D is one whose people today, less those who came, plus those who left, is 0.
    change: dict[int, set[int]] = defaultdict(set)
    grid_of: dict[int, int] = {}
    for stays, sign in ((came, -1), (left, 1)):
        for resident, _grid, household, household_grid, _kind, _tagged in stays:
            change[household].add(sign * resident)  # residents' ids are positive: the sign says which set
            grid_of[household] = household_grid
    now = _living_now(change)
    for household, signed in change.items():
        if grid_of[household] not in result:
            continue
        before = now.get(household, 0) + sum(1 if s > 0 else -1 for s in signed)
        result[grid_of[household]].empty_households += (before <= 0) - (now.get(household, 0) == 0)
