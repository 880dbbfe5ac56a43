from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from gridgov.people.api.schemas import BuildingIn, HouseholdIn, building_row, household_row, resident_row
from gridgov.people.models import Building, Household
from gridgov.people.services import places

router = Router()


@router.get("/buildings", summary="Buildings in scope, optionally of one grid")
def list_buildings(request: HttpRequest, grid: str = "", limit: int = 200, offset: int = 0) -> dict[str, Any]:
    qs = Building.objects.restrict(request.user, "view").select_related("grid")
    if grid:
        qs = qs.filter(grid__code=grid)
    limit = max(1, min(limit, 1000))
    return {"count": qs.count(), "results": [building_row(b) for b in qs[offset : offset + limit]]}


@router.post(
    "/buildings", response={201: dict[str, Any]}, summary="Add a building, placed in its grid by locate"
)
def create_building(request: HttpRequest, data: BuildingIn) -> Status[dict[str, Any]]:
    building = places.create_building(
        request.user,
        name=data.name,
        address=data.address,
        lng=data.lng,
        lat=data.lat,
        floors=data.floors,
        use=data.use,
        high_rise=data.high_rise,
        crs=data.crs,  # type: ignore[arg-type]
    )
    return Status(201, building_row(building))


@router.get("/buildings/{building_id}", summary="A building with its units and households")
def building_detail(request: HttpRequest, building_id: int) -> dict[str, Any]:
    building = get_object_or_404(
        Building.objects.restrict(request.user, "view").select_related("grid"), pk=building_id
    )
    households = building.households.select_related("unit", "grid").order_by("unit__number", "room")
    return {**building_row(building), "households": [household_row(h) for h in households]}


@router.post("/households", response={201: dict[str, Any]}, summary="The household at building/unit/room")
def create_household(request: HttpRequest, data: HouseholdIn) -> Status[dict[str, Any]]:
    building = places.building_for(request.user, data.building_id)
    household = places.ensure_household(request.user, building, data.unit, data.room)
    return Status(201, household_row(household))


@router.get("/households/{household_id}", summary="A household and who lives there")
def household_detail(request: HttpRequest, household_id: int) -> dict[str, Any]:
    household = get_object_or_404(
        Household.objects.restrict(request.user, "view").select_related("unit", "grid"), pk=household_id
    )
    residents = household.residents.select_related("household", "grid").order_by("relation", "name_pinyin")
    return {**household_row(household), "residents": [resident_row(r) for r in residents]}
