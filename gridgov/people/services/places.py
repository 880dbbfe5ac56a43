"""Buildings, units and households: created in the actor's scope, a building placed by locate."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core.errors import Collector, Invalid, NotInScope
from gridgov.geo.coords import CRS, to_wgs84
from gridgov.geo.index import grid_index
from gridgov.geo.models import Grid
from gridgov.people.models import Building, Household, Unit
from gridgov.people.models.places import HIGH_RISE_FLOORS


def grid_for_point(actor: Any, lng: float, lat: float, crs: CRS = "wgs84") -> tuple[Grid, float, float]:
    """The grid a point lies in, if the actor may add records there."""
    wlng, wlat = to_wgs84(lng, lat, crs)
    grid_id = grid_index.get().locate(wlng, wlat)
    if grid_id is None:
        raise Invalid.one("location", _("This point is outside every grid."))
    grid = Grid.objects.restrict(actor, "view").filter(pk=grid_id).first()
    if grid is None:
        raise PermissionDenied(_("This place is outside your grids."))
    return grid, wlng, wlat


def _require(actor: Any, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(_("Your role may not do this."))


def create_building(
    actor: Any,
    *,
    name: str,
    address: str,
    lng: float,
    lat: float,
    floors: int,
    use: str = Building.Use.RESIDENTIAL,
    high_rise: bool | None = None,
    crs: CRS = "wgs84",
) -> Building:
    _require(actor, "people.add_building")
    errors = Collector()
    if not name.strip():
        errors.add("name", _("The building's name is missing."))
    if not address.strip():
        errors.add("address", _("The address is missing."))
    if not 1 <= floors <= 200:
        errors.add("floors", _("Floors must be between 1 and 200."))
    if use not in Building.Use.values:
        errors.add("use", _("Unknown use."))
    errors.raise_if_any()
    grid, wlng, wlat = grid_for_point(actor, lng, lat, crs)
    if Building.objects.filter(grid=grid, name=name.strip()).exists():
        raise Invalid.one("name", _("This grid already has a building of that name."))
    return Building.objects.create(
        grid=grid,
        name=name.strip(),
        address=address.strip(),
        lng=wlng,
        lat=wlat,
        floors=floors,
        use=use,
        high_rise=floors >= HIGH_RISE_FLOORS if high_rise is None else high_rise,
    )


def building_for(actor: Any, building_id: int, action: str = "change") -> Building:
    building = Building.objects.restrict(actor, action).filter(pk=building_id).first()
    if building is None:
        raise NotInScope(_("This building is outside your grids."))
    return building


@transaction.atomic
def ensure_household(actor: Any, building: Building, unit_number: str, room: str) -> Household:
    """The household at building/unit/room, created (with its unit) if it is not there yet."""
    _require(actor, "people.add_household")
    if not Building.objects.restrict(actor, "change").filter(pk=building.pk).exists():
        raise NotInScope(_("This building is outside your grids."))
    room = room.strip()
    if not room:
        raise Invalid.one("room", _("The room is missing."))
    unit = None
    if unit_number.strip():
        unit, _created = Unit.objects.get_or_create(building=building, number=unit_number.strip())
    existing = Household.objects.filter(building=building, unit=unit, room=room).first()
    if existing is not None:
        return existing
    parts = [building.address, unit.number if unit else "", room]
    return Household.objects.create(
        building=building,
        unit=unit,
        room=room,
        grid_id=building.grid_id,
        address=" ".join(p for p in parts if p),
    )
