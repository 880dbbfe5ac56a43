"""What the API and the map show of an area and its people (work contacts only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch, QuerySet

from gridgov.geo.models import Grid, PoliceZone, Village


def person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"username": user.username, "name": user.display_name(), "work_phone": user.work_phone}


def grids_with_people() -> Any:
    from gridgov.accounts.models import User

    return Grid.objects.select_related(
        "village__sub_district", "police_zone__officer", "leader"
    ).prefetch_related(Prefetch("workers", queryset=User.objects.order_by("username")))


def grid_card(grid: Grid) -> dict[str, Any]:
    village, zone = grid.village, grid.police_zone
    return {
        "sub_district": {"code": village.sub_district.code, "name": village.sub_district.name},
        "village": {"code": village.code, "name": village.name, "kind": village.kind},
        "grid": {
            "code": grid.code,
            "name": grid.name,
            "leader": person(grid.leader),
            "workers": [person(w) for w in grid.workers.all()],
        },
        "police_zone": {"code": zone.code, "name": zone.name, "officer": person(zone.officer)},
    }


def layer_queryset(qs: QuerySet[Any]) -> QuerySet[Any]:
    if qs.model is Grid:
        return qs.select_related("village", "police_zone")
    if qs.model in (Village, PoliceZone):
        return qs.select_related("sub_district")
    return qs


def layer_properties(area: Model) -> dict[str, Any]:
    props: dict[str, Any] = {"code": area.code, "name": area.name}  # type: ignore[attr-defined]
    if isinstance(area, Grid):
        props.update(
            village=area.village.name,
            village_code=area.village.code,
            police_zone=area.police_zone.name,
            police_zone_code=area.police_zone.code,
        )
    elif isinstance(area, Village):
        props.update(kind=area.kind, sub_district=area.sub_district.name)
    elif isinstance(area, PoliceZone):
        props.update(sub_district=area.sub_district.name)
    return props
