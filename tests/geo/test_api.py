"""The map API: locate in three coordinate systems, layers as GeoJSON, grid cards, one error body."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.geo.coords import from_wgs84
from tests.factories import Personas, SmallMap

INSIDE_GRID_1 = (121.365, 28.365)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return dict(body["error"])


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_locate_in_each_coordinate_system(personas: Personas, client_for: Any, crs: str) -> None:
    lng, lat = from_wgs84(*INSIDE_GRID_1, crs)  # type: ignore[arg-type]
    response = client_for(personas.worker).get("/api/v1/locate", {"lng": lng, "lat": lat, "crs": crs})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["grid"]["code"] == "331081001001001"
    assert body["village"] == {"code": "331081001001", "name": "东辉社区", "kind": "community"}
    assert body["sub_district"]["name"] == "太平街道"
    assert body["police_zone"]["officer"]["name"] == "林会兵"
    assert [w["name"] for w in body["grid"]["workers"]] == ["陈慧玲"]
    assert abs(body["wgs84"]["lng"] - INSIDE_GRID_1[0]) < 1e-7


def test_gcj02_coordinates_taken_as_wgs84_land_elsewhere(personas: Personas, client_for: Any) -> None:
    # Proof that the crs parameter matters: the GCJ-02 offset here is hundreds of metres.
    lng, lat = from_wgs84(121.3695, 28.3650, "gcj02")
    client = client_for(personas.worker)
    as_gcj = client.get("/api/v1/locate", {"lng": lng, "lat": lat, "crs": "gcj02"}).json()
    as_wgs = client.get("/api/v1/locate", {"lng": lng, "lat": lat}).json()
    assert as_gcj["grid"]["code"] == "331081001001001"
    assert as_wgs["grid"]["code"] == "331081001001002"


def test_locate_outside_every_grid_is_404(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.worker).get("/api/v1/locate", {"lng": 120.0, "lat": 30.0})
    assert_error(response, 404, "outside_grids")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lng": "abc", "lat": 28.3},
        {"lng": 121.3},
        {"lng": 200, "lat": 28.3},
        {"lng": 121.3, "lat": 28.3, "crs": "utm"},
    ],
)
def test_locate_bad_numbers_are_400(personas: Personas, client_for: Any, params: dict[str, Any]) -> None:
    error = assert_error(client_for(personas.worker).get("/api/v1/locate", params), 400, "invalid")
    assert error["fields"]


def test_locate_needs_an_account(small_map: SmallMap) -> None:
    assert_error(Client().get("/api/v1/locate", {"lng": "121.365", "lat": "28.365"}), 401, "unauthenticated")


def test_map_changes_reach_the_index(personas: Personas, client_for: Any, small_map: SmallMap) -> None:
    client = client_for(personas.admin)
    assert (
        client.get("/api/v1/locate", {"lng": 121.365, "lat": 28.365}).json()["grid"]["code"].endswith("001")
    )
    moved = small_map.grids[0]
    moved.set_boundary(
        {
            "type": "Polygon",
            "coordinates": [[[121.0, 28.0], [121.01, 28.0], [121.01, 28.01], [121.0, 28.01], [121.0, 28.0]]],
        }
    )
    moved.save()
    assert_error(client.get("/api/v1/locate", {"lng": 121.365, "lat": 28.365}), 404, "outside_grids")
    assert client.get("/api/v1/locate", {"lng": 121.005, "lat": 28.005}).status_code == 200


def test_grid_layer_is_scoped(personas: Personas, client_for: Any) -> None:
    def layer(user: Any, name: str = "grids") -> set[str]:
        response = client_for(user).get(f"/api/v1/{name}.geojson")
        assert response.status_code == 200 and response["Content-Type"].startswith("application/geo+json")
        return {f["properties"]["code"] for f in response.json()["features"]}

    assert layer(personas.worker) == {"331081001001001"}
    assert layer(personas.officer) == {"331081001001001", "331081001201001"}
    assert len(layer(personas.operator)) == 4
    assert layer(personas.outsider) == set()
    assert layer(personas.officer, "police-zones") == {"331081001J01"}
    assert layer(personas.operator, "villages") == {"331081001001", "331081001201"}
    assert layer(personas.worker, "sub-districts") == {"331081001"}


def test_layer_in_gcj02_and_bbox(personas: Personas, client_for: Any) -> None:
    client = client_for(personas.operator)
    wgs = client.get("/api/v1/grids.geojson").json()["features"][0]["geometry"]["coordinates"][0][0]
    gcj = client.get("/api/v1/grids.geojson", {"crs": "gcj02"}).json()["features"][0]["geometry"][
        "coordinates"
    ][0][0]
    assert gcj == pytest.approx(list(from_wgs84(wgs[0], wgs[1], "gcj02")))
    boxed = client.get("/api/v1/grids.geojson", {"bbox": "121.361,28.361,121.369,28.369"}).json()
    assert [f["id"] for f in boxed["features"]] == ["331081001001001"]
    assert_error(client.get("/api/v1/grids.geojson", {"bbox": "1,2,3"}), 400, "invalid")


def test_grid_card_and_its_scope(personas: Personas, client_for: Any) -> None:
    card = client_for(personas.worker).get("/api/v1/grids/331081001001001").json()
    assert (
        card["police_zone"]["code"] == "331081001J01"
        and card["grid"]["workers"][0]["username"] == "chenhuiling"
    )
    assert_error(client_for(personas.worker).get("/api/v1/grids/331081001001002"), 404, "not_found")
    assert client_for(personas.officer).get("/api/v1/grids/331081001201001").status_code == 200
    assert_error(client_for(personas.officer).get("/api/v1/grids/331081001001002"), 404, "not_found")


def test_unknown_api_path_uses_the_error_body(personas: Personas, client_for: Any) -> None:
    assert_error(client_for(personas.worker).get("/api/v1/nothing-here"), 404, "not_found")
