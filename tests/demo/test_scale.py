"""Scale generators: a Wenling-sized city (organic) and a province-sized lattice."""

import time
from collections import Counter
from typing import Any

import numpy as np
import pytest
import shapely
from numpy.typing import NDArray
from shapely.geometry import shape

from gridgov.demo.mapspec import Level, MapSpec
from gridgov.demo.scale import Scale, area_counts, scaled_map
from tests.demo.test_wenling_map import assert_codes_consistent, assert_exact_hierarchy


def _timed(scale: Scale) -> MapSpec:
    started = time.perf_counter()
    spec = scaled_map(scale)
    print(f"\nscaled_map({scale!r}): {time.perf_counter() - started:.2f} s, {area_counts(spec)}")
    return spec


@pytest.fixture(scope="module")
def city() -> MapSpec:
    return _timed("city")


@pytest.fixture(scope="module")
def province() -> MapSpec:
    started = time.perf_counter()
    spec = _timed("province")
    assert time.perf_counter() - started < 30.0
    return spec


def _vectorised(spec: MapSpec, level: Level) -> NDArray[np.object_]:
    return np.array([shape(a.boundary) for a in spec.by_level(level)], dtype=object)


def test_city_counts(city: MapSpec) -> None:
    counts = area_counts(city)
    assert counts["sub_district"] == 16
    assert 2500 <= counts["grid"] <= 3500
    assert counts["police_zone"] == 160
    per_town = Counter(v.parent for v in city.by_level("village"))
    assert all(13 <= n <= 17 for n in per_town.values())
    names = {s.name for s in city.by_level("sub_district")}
    assert {"太平街道", "城西街道", "泽国镇", "石桥头镇"} <= names


def test_city_codes_and_tiling(city: MapSpec) -> None:
    assert_codes_consistent(city)
    assert all(s.code.startswith("331081") for s in city.by_level("sub_district"))
    assert_exact_hierarchy(city)


def test_city_is_deterministic_per_seed(city: MapSpec) -> None:
    assert scaled_map("city", seed=7).to_feature_collection() == city.to_feature_collection()


def test_province_counts_and_codes(province: MapSpec) -> None:
    counts = area_counts(province)
    assert counts["grid"] >= 60_000
    assert counts["sub_district"] >= 300 and counts["village"] >= 5_000 and counts["police_zone"] >= 2_000
    counties = {s.code[:6] for s in province.by_level("sub_district")}
    assert len(counties) >= 25
    assert all(c.startswith("33") for c in counties)
    assert_codes_consistent(province)


def test_province_geometry_is_valid_and_in_zhejiang(province: MapSpec) -> None:
    grids = _vectorised(province, "grid")
    levels: tuple[Level, ...] = ("sub_district", "police_zone", "village")
    for level in levels:
        assert shapely.is_valid(_vectorised(province, level)).all(), level
    assert shapely.is_valid(grids).all()
    xmin, ymin, xmax, ymax = shapely.total_bounds(grids)
    assert 117.5 < xmin < xmax < 123.5 and 26.5 < ymin < ymax < 31.5
    coords = shapely.get_coordinates(grids)
    assert np.array_equal(np.round(coords, 7), coords)


def test_province_tiles_without_overlaps(province: MapSpec) -> None:
    grids = _vectorised(province, "grid")
    left, right = shapely.STRtree(grids).query(grids, predicate="overlaps")
    assert len(left) == 0
    subs = _vectorised(province, "sub_district")
    left, right = shapely.STRtree(subs).query(subs, predicate="intersects")
    keep = left < right
    assert shapely.area(shapely.intersection(subs[left[keep]], subs[right[keep]])).max() < 1e-10
    # Areas add up: the grids exactly cover their villages and sub-districts.
    assert shapely.area(grids).sum() == pytest.approx(shapely.area(subs).sum(), rel=1e-9)


def test_province_hierarchy_sample(province: MapSpec) -> None:
    # Full per-area unions would be slow; every 97th village is plenty to catch a layout slip.
    villages = {v.code: shape(v.boundary) for v in province.by_level("village")[::97]}
    members: dict[str, list[Any]] = {code: [] for code in villages}
    zones = {z.code: shape(z.boundary) for z in province.by_level("police_zone")}
    for g in province.by_level("grid"):
        if g.parent in members:
            geom = shape(g.boundary)
            members[g.parent].append(geom)
            assert geom.difference(zones[g.police_zone or ""]).area < 1e-10
    for code, village in villages.items():
        assert len(members[code]) == 12
        assert shapely.union_all(members[code]).symmetric_difference(village).area < 1e-9 * village.area
