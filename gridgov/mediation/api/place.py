"""Where a dispute happened must lie in the finder's own grids (shared by the API and the pages).

The case intake routes a report from anywhere to the grid it falls in, which suits a resident's call;
a dispute opened by a grid worker is one she mediates herself, so a place outside her scope is refused
before anything is stored rather than leaving a dispute she could not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gridgov.core.errors import Invalid
from gridgov.geo.index import grid_index
from gridgov.geo.models import Grid
from gridgov.people.models import Household


@dataclass
class Place:
    lng: float | None
    lat: float | None
    household_id: int | None


def place_in_scope(
    user: Any,
    *,
    grid_code: str = "",
    lng: float | None = None,
    lat: float | None = None,
    household_id: int | None = None,
) -> Place:
    grids = Grid.objects.restrict(user, "view")
    if household_id is not None:
        if not Household.objects.restrict(user, "view").filter(pk=household_id).exists():
            raise Invalid.one("household_id", _("This household is outside your grids."))
        return Place(None, None, household_id)
    if lng is not None and lat is not None:
        found = grid_index.get().locate(lng, lat)
        if found is not None and not grids.filter(pk=found).exists():
            raise Invalid.one("location", _("This place is outside your grids."))
        return Place(lng, lat, None)
    if grid_code:
        grid = grids.filter(code=grid_code).first()
        if grid is None:
            raise Invalid.one("grid", _("This grid is outside your scope."))
        # No point was taken: the grid's own label point stands for "somewhere in this grid".
        return Place(grid.label_lng, grid.label_lat, None)
    raise Invalid.one("location", _("Give the place: your grid, a point on the map or a household."))
