"""Map API: locate a point, the layers as GeoJSON, a grid's card."""

from __future__ import annotations

import json
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from gridgov.core.errors import ApiError
from gridgov.geo import cards
from gridgov.geo.coords import CRS, convert_geojson, to_wgs84
from gridgov.geo.index import grid_index
from gridgov.geo.models import Grid, PoliceZone, SubDistrict, Village

router = Router(tags=["map"])


class LocateQuery(Schema):
    lng: float = Field(..., ge=-180, le=180, description=_("longitude"))
    lat: float = Field(..., ge=-90, le=90, description=_("latitude"))
    crs: Literal["wgs84", "gcj02", "bd09"] = "wgs84"


@router.get("/locate", summary="Locate a point: its grid, village, sub-district and police zone")
def locate(request: HttpRequest, query: Query[LocateQuery]) -> dict[str, Any]:
    lng, lat = to_wgs84(query.lng, query.lat, query.crs)
    grid_id = grid_index.get().locate(lng, lat)
    if grid_id is None:
        raise ApiError(404, "outside_grids", _("This point is outside every grid."), {"lng": [], "lat": []})
    grid = cards.grids_with_people().get(pk=grid_id)
    return {
        "point": {"lng": query.lng, "lat": query.lat, "crs": query.crs},
        "wgs84": {"lng": round(lng, 8), "lat": round(lat, 8)},
        **cards.grid_card(grid),
    }


_LAYERS: dict[str, Any] = {
    "grids": Grid,
    "villages": Village,
    "police-zones": PoliceZone,
    "sub-districts": SubDistrict,
}


class LayerQuery(Schema):
    crs: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
    bbox: str | None = Field(None, description=_("min_lng,min_lat,max_lng,max_lat (WGS-84)"))


def _bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    if not raw:
        return None
    try:
        parts = [float(p) for p in raw.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4 or parts[0] > parts[2] or parts[1] > parts[3]:
        raise ApiError(
            400,
            "invalid",
            _("bbox must be four numbers: min_lng,min_lat,max_lng,max_lat."),
            {"bbox": [_("Expected min_lng,min_lat,max_lng,max_lat.")]},
        )
    return parts[0], parts[1], parts[2], parts[3]


def _layer(request: HttpRequest, layer: str, query: LayerQuery) -> HttpResponse:
    model = _LAYERS[layer]
    qs = model.objects.restrict(request.user, "view")
    box = _bbox(query.bbox)
    if box is not None:
        qs = qs.filter(max_lng__gte=box[0], min_lng__lte=box[2], max_lat__gte=box[1], min_lat__lte=box[3])
    qs = cards.layer_queryset(qs)
    crs: CRS = query.crs
    features = []
    for area in qs.iterator(chunk_size=2000):
        geometry = json.loads(area.boundary)
        if crs != "wgs84":
            geometry = convert_geojson(geometry, "wgs84", crs)
        features.append(
            {
                "type": "Feature",
                "id": area.code,
                "geometry": geometry,
                "properties": cards.layer_properties(area),
            }
        )
    body = json.dumps(
        {"type": "FeatureCollection", "crs_name": crs, "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")


@router.get("/grids.geojson", summary="Grids as GeoJSON")
def grids_geojson(request: HttpRequest, query: Query[LayerQuery]) -> HttpResponse:
    return _layer(request, "grids", query)


@router.get("/villages.geojson", summary="Villages and communities as GeoJSON")
def villages_geojson(request: HttpRequest, query: Query[LayerQuery]) -> HttpResponse:
    return _layer(request, "villages", query)


@router.get("/police-zones.geojson", summary="Police zones as GeoJSON")
def police_zones_geojson(request: HttpRequest, query: Query[LayerQuery]) -> HttpResponse:
    return _layer(request, "police-zones", query)


@router.get("/sub-districts.geojson", summary="Sub-districts as GeoJSON")
def sub_districts_geojson(request: HttpRequest, query: Query[LayerQuery]) -> HttpResponse:
    return _layer(request, "sub-districts", query)


@router.get("/grids/{code}", summary="A grid's card: village, police zone, officer, workers, leader")
def grid_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    grid = get_object_or_404(cards.grids_with_people().restrict(request.user, "view"), code=code)
    return cards.grid_card(grid)
