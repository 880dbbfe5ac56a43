"""China coordinate systems, checked against the independent prcoords implementation."""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import prcoords
import pytest

from gridgov.geo import coords
from gridgov.geo.coords import CRS, CRS_NAMES

Fn = Callable[[float, float], tuple[float, float]]

WENLING = (121.37, 28.37)


def _points() -> list[tuple[float, float]]:
    rng = random.Random(20240611)
    near = [(WENLING[0] + rng.uniform(-0.3, 0.3), WENLING[1] + rng.uniform(-0.3, 0.3)) for _ in range(200)]
    # Stay ~0.5 degrees inside the China box so neither a point nor its image crosses the edge.
    wide = [(rng.uniform(73.0, 134.0), rng.uniform(4.0, 53.0)) for _ in range(300)]
    return [WENLING, *near, *wide]


POINTS = _points()
OUTSIDE = [(2.35, 48.85), (-74.0, 40.7), (139.69, 35.69), (151.2, -33.87), (121.0, 0.5), (60.0, 30.0)]


@pytest.fixture(autouse=True)
def _precise_prcoords() -> Iterator[None]:
    # prcoords' "bored" inverses stop once a step is below 1e-5 degrees (~1 m); tighten it so the
    # reference is actually precise enough to compare exact inverses against.
    saved = prcoords.PRC_EPS
    prcoords.PRC_EPS = 1e-13
    yield
    prcoords.PRC_EPS = saved


def _pr(fn: Any) -> Fn:
    """Adapt a prcoords function, which takes and returns (lat, lon), to (lng, lat)."""

    def call(lng: float, lat: float) -> tuple[float, float]:
        out = fn((lat, lng))
        return float(out[1]), float(out[0])

    return call


def _close(a: tuple[float, float], b: tuple[float, float], tol: float) -> bool:
    return abs(a[0] - b[0]) < tol and abs(a[1] - b[1]) < tol


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(a[0] - b[0]) * math.cos(lat) * 6371000.0
    dy = math.radians(a[1] - b[1]) * 6371000.0
    return math.hypot(dx, dy)


FORWARD: list[tuple[Fn, Any]] = [
    (coords.wgs84_to_gcj02, prcoords.wgs_gcj),
    (coords.gcj02_to_bd09, prcoords.gcj_bd),
    (coords.wgs84_to_bd09, prcoords.wgs_bd),
]
INVERSE: list[tuple[Fn, Fn, Any]] = [
    (coords.gcj02_to_wgs84, coords.wgs84_to_gcj02, prcoords.gcj_wgs_bored),
    (coords.bd09_to_gcj02, coords.gcj02_to_bd09, prcoords.bd_gcj_bored),
    (coords.bd09_to_wgs84, coords.wgs84_to_bd09, prcoords.bd_wgs_bored),
]


@pytest.mark.parametrize(("ours", "theirs"), FORWARD, ids=lambda f: getattr(f, "__name__", ""))
def test_forward_matches_prcoords(ours: Fn, theirs: Any) -> None:
    ref = _pr(theirs)
    for p in POINTS:
        assert _close(ours(*p), ref(*p), 1e-9), p


@pytest.mark.parametrize(("inverse", "forward", "theirs"), INVERSE, ids=lambda f: getattr(f, "__name__", ""))
def test_inverse_is_exact(inverse: Fn, forward: Fn, theirs: Any) -> None:
    ref = _pr(theirs)
    for p in POINTS:
        back = inverse(*p)
        assert _close(back, ref(*p), 1e-7), p
        # Both directions of the round trip.
        assert _close(forward(*back), p, 1e-8), p
        assert _close(inverse(*forward(*p)), p, 1e-8), p


def test_exact_inverse_beats_one_step_approximation() -> None:
    rough = _pr(prcoords.gcj_wgs)
    gcj = coords.wgs84_to_gcj02(*WENLING)
    rough_err = _metres(rough(*gcj), WENLING)
    exact_err = _metres(coords.gcj02_to_wgs84(*gcj), WENLING)
    assert rough_err > 0.01
    assert exact_err < 1e-3
    assert exact_err < rough_err / 100


def test_gcj_offset_near_wenling_is_hundreds_of_metres() -> None:
    for p in [WENLING, *POINTS[1:50]]:
        assert 100.0 < _metres(coords.wgs84_to_gcj02(*p), p) < 1000.0
        assert 100.0 < _metres(coords.wgs84_to_bd09(*p), p) < 2000.0


def test_outside_china_gcj_is_identity() -> None:
    for p in OUTSIDE:
        assert coords.wgs84_to_gcj02(*p) == p
        assert coords.gcj02_to_wgs84(*p) == p
        # BD-09 has no China box: it still shifts, but must stay invertible.
        assert _close(coords.wgs84_to_bd09(*coords.bd09_to_wgs84(*p)), p, 1e-8)


def test_generic_entry_points() -> None:
    p = WENLING
    for src in CRS_NAMES:
        for dst in CRS_NAMES:
            there = coords.convert(*p, src, dst)
            assert _close(coords.convert(*there, dst, src), p, 1e-8), (src, dst)
    assert coords.convert(*p, "gcj02", "gcj02") == p
    assert coords.to_wgs84(*p, "wgs84") == p
    assert coords.to_wgs84(*p, "gcj02") == coords.gcj02_to_wgs84(*p)
    assert coords.to_wgs84(*p, "bd09") == coords.bd09_to_wgs84(*p)
    assert coords.from_wgs84(*p, "gcj02") == coords.wgs84_to_gcj02(*p)
    assert coords.from_wgs84(*p, "bd09") == coords.wgs84_to_bd09(*p)


def test_unknown_crs_raises() -> None:
    bad: Any = "epsg:4326"
    with pytest.raises(ValueError, match="unknown coordinate system"):
        coords.convert(121.0, 28.0, bad, "wgs84")
    with pytest.raises(ValueError):
        coords.convert(121.0, 28.0, "wgs84", bad)
    with pytest.raises(ValueError):
        coords.to_wgs84(121.0, 28.0, bad)
    with pytest.raises(ValueError):
        coords.from_wgs84(121.0, 28.0, bad)
    with pytest.raises(ValueError):
        coords.convert_array(np.zeros(1), np.zeros(1), bad, bad)
    with pytest.raises(ValueError):
        coords.convert_geojson({"type": "Point", "coordinates": [1.0, 2.0]}, bad, bad)
    assert coords.parse_crs("bd09") == "bd09"
    with pytest.raises(ValueError):
        coords.parse_crs("GCJ02")


@pytest.mark.parametrize("src", CRS_NAMES)
@pytest.mark.parametrize("dst", CRS_NAMES)
def test_vectorised_equals_scalar(src: CRS, dst: CRS) -> None:
    pts = POINTS + OUTSIDE + [(float("nan"), 28.0)]
    lngs = np.array([p[0] for p in pts])
    lats = np.array([p[1] for p in pts])
    before = (lngs.copy(), lats.copy())
    out_lng, out_lat = coords.convert_array(lngs, lats, src, dst)
    assert out_lng.shape == lngs.shape and out_lat.dtype == np.float64
    for i, p in enumerate(pts[:-1]):
        assert _close((out_lng[i], out_lat[i]), coords.convert(*p, src, dst), 1e-10), (p, src, dst)
    assert math.isnan(out_lng[-1])
    np.testing.assert_array_equal(lngs, before[0])
    np.testing.assert_array_equal(lats, before[1])


def test_convert_array_edge_cases() -> None:
    empty = np.zeros(0)
    a, b = coords.convert_array(empty, empty, "gcj02", "wgs84")
    assert a.shape == (0,) and b.shape == (0,)
    lngs = np.array([121.37])
    same, _ = coords.convert_array(lngs, np.array([28.37]), "wgs84", "wgs84")
    same[0] = 0.0
    assert lngs[0] == 121.37  # identity still returns a copy
    with pytest.raises(ValueError, match="shape"):
        coords.convert_array(np.zeros(2), np.zeros(3), "wgs84", "gcj02")


def _square(x: float, y: float, d: float) -> list[list[float]]:
    return [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]


def test_convert_geojson_polygon() -> None:
    outer = _square(121.36, 28.36, 0.02)
    hole = _square(121.365, 28.365, 0.005)
    geom: dict[str, Any] = {"type": "Polygon", "coordinates": [outer, hole], "bbox": [0, 0, 1, 1]}
    original = copy.deepcopy(geom)
    out = coords.convert_geojson(geom, "wgs84", "gcj02")
    assert geom == original
    assert out["type"] == "Polygon" and "bbox" not in out
    assert [len(r) for r in out["coordinates"]] == [5, 5]
    for ring_in, ring_out in zip(geom["coordinates"], out["coordinates"], strict=True):
        for p_in, p_out in zip(ring_in, ring_out, strict=True):
            assert _close(tuple(p_out), coords.wgs84_to_gcj02(*p_in), 1e-12)
    # Closed rings stay closed, and the way back restores the input.
    assert out["coordinates"][0][0] == out["coordinates"][0][-1]
    back = coords.convert_geojson(out, "gcj02", "wgs84")
    for ring_in, ring_back in zip(geom["coordinates"], back["coordinates"], strict=True):
        for p_in, p_back in zip(ring_in, ring_back, strict=True):
            assert _close(tuple(p_back), tuple(p_in), 1e-8)


def test_convert_geojson_other_types() -> None:
    point = coords.convert_geojson({"type": "Point", "coordinates": [121.37, 28.37, 12.5]}, "wgs84", "bd09")
    assert point["coordinates"][2] == 12.5
    assert _close(tuple(point["coordinates"][:2]), coords.wgs84_to_bd09(*WENLING), 1e-12)

    multi: dict[str, Any] = {
        "type": "MultiPolygon",
        "coordinates": [[_square(121.3, 28.3, 0.01)], [_square(121.4, 28.4, 0.01)]],
    }
    out = coords.convert_geojson(multi, "bd09", "wgs84")
    # Vectorised and scalar maths may differ in the last few ulps, hence no exact equality.
    assert _close(tuple(out["coordinates"][1][0][2]), coords.bd09_to_wgs84(121.41, 28.41), 1e-10)

    for gtype, c in [
        ("LineString", [[121.3, 28.3], [121.4, 28.4]]),
        ("MultiPoint", [[121.3, 28.3], [121.4, 28.4]]),
        ("MultiLineString", [[[121.3, 28.3], [121.4, 28.4]], [[121.5, 28.5], [121.6, 28.6]]]),
    ]:
        out = coords.convert_geojson({"type": gtype, "coordinates": c}, "gcj02", "wgs84")
        assert out["type"] == gtype
        assert np.asarray(out["coordinates"]).shape == np.asarray(c).shape

    coll = coords.convert_geojson(
        {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [121.37, 28.37]}]},
        "wgs84",
        "gcj02",
    )
    assert _close(tuple(coll["geometries"][0]["coordinates"]), coords.wgs84_to_gcj02(*WENLING), 1e-10)


def test_convert_geojson_identity_and_errors() -> None:
    geom: dict[str, Any] = {"type": "LineString", "coordinates": [[121.3, 28.3], [121.4, 28.4]]}
    same = coords.convert_geojson(geom, "gcj02", "gcj02")
    assert same == geom and same is not geom and same["coordinates"] is not geom["coordinates"]
    with pytest.raises(ValueError, match="unsupported"):
        coords.convert_geojson({"type": "Circle", "coordinates": [1.0, 2.0]}, "wgs84", "gcj02")
