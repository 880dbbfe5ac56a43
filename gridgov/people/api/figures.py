from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router

from gridgov.geo.models import Grid, SubDistrict, Village
from gridgov.people.services.figures import figures_by, figures_for

router = Router()

Level = Literal["sub_district", "village", "grid"]
_CHILD: dict[str, Level] = {"sub_district": "village", "village": "grid", "grid": "grid"}


def scoped_grids(user: Any, level: Level, code: str) -> Any:
    grids = Grid.objects.restrict(user, "view")
    if level == "grid":
        get_object_or_404(grids, code=code)
        return grids.filter(code=code)
    model = SubDistrict if level == "sub_district" else Village
    get_object_or_404(model.objects.restrict(user, "view"), code=code)
    return grids.filter(
        **({"village__sub_district__code": code} if level == "sub_district" else {"village__code": code})
    )


@router.get("/figures", summary="底数清: households, residents, floating, tagged, lapsed … for a place")
def figures(request: HttpRequest, level: Level, code: str, on: dt.date | None = None) -> dict[str, Any]:
    grids = scoped_grids(request.user, level, code)
    child = _CHILD[level]
    return {
        "level": level,
        "code": code,
        "on": (on or timezone.localdate()).isoformat(),
        "figures": figures_for(grids, on).as_dict(),
        "by": child,
        "rows": [{"code": c, "name": n, **f.as_dict()} for c, n, f in figures_by(grids, child, on)],
    }
