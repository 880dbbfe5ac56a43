"""The Wenling demo map: counts, names, codes and, above all, an exact tiling."""

import json
import re
import time
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from gridgov.demo.geometry import reading_band
from gridgov.demo.mapspec import AreaSpec, MapSpec
from gridgov.demo.wenling import CHENGXI, TAIPING, wenling_map

OVERLAP_TOLERANCE = 1e-10  # square degrees, about 1 m²


@pytest.fixture(scope="module")
def spec() -> MapSpec:
    started = time.perf_counter()
    result = wenling_map()
    elapsed = time.perf_counter() - started
    print(f"\nwenling_map(): {elapsed:.2f} s")
    assert elapsed < 5.0
    return result


def shapes_of(areas: list[AreaSpec]) -> dict[str, Any]:
    return {a.code: shape(a.boundary) for a in areas}


def assert_no_overlaps(geoms: list[Any]) -> None:
    arr = np.array(geoms, dtype=object)
    left, right = shapely.STRtree(arr).query(arr, predicate="intersects")
    keep = left < right
    overlap = shapely.area(shapely.intersection(arr[left[keep]], arr[right[keep]]))
    assert overlap.max(initial=0.0) < OVERLAP_TOLERANCE


def assert_exact_hierarchy(spec: MapSpec) -> None:
    """Validity and exact tiling at every level; shared with the city-scale test."""
    subs = shapes_of(spec.by_level("sub_district"))
    zones = shapes_of(spec.by_level("police_zone"))
    villages = shapes_of(spec.by_level("village"))
    grids = shapes_of(spec.by_level("grid"))
    everything = [*subs.values(), *zones.values(), *villages.values(), *grids.values()]
    assert all(shapely.is_valid(np.array(everything, dtype=object)))
    assert all(g.geom_type == "Polygon" for g in [*villages.values(), *grids.values()])
    # Published coordinates carry at most 7 decimals.
    coords = shapely.get_coordinates(np.array(everything, dtype=object))
    assert np.array_equal(np.round(coords, 7), coords)

    for level in (subs, villages, grids):
        assert_no_overlaps(list(level.values()))

    grids_by_village: dict[str, list[Any]] = defaultdict(list)
    grids_by_zone: dict[str, list[Any]] = defaultdict(list)
    for grid in spec.by_level("grid"):
        geom, village = grids[grid.code], villages[grid.parent or ""]
        assert geom.difference(village).area < OVERLAP_TOLERANCE
        grids_by_village[grid.parent or ""].append(geom)
        grids_by_zone[grid.police_zone or ""].append(geom)
    for code, village in villages.items():
        union = shapely.union_all(grids_by_village[code])
        assert union.symmetric_difference(village).area < 1e-9 * village.area
    for code, zone in zones.items():
        union = shapely.union_all(grids_by_zone[code])
        assert union.symmetric_difference(zone).area < 1e-9 * zone.area
        assert zone.geom_type == "Polygon", f"police zone {code} is not contiguous"
    villages_by_sub: dict[str, list[Any]] = defaultdict(list)
    for village in spec.by_level("village"):
        villages_by_sub[village.parent or ""].append(villages[village.code])
    for code, sub in subs.items():
        union = shapely.union_all(villages_by_sub[code])
        assert union.symmetric_difference(sub).area < 1e-9 * sub.area


def assert_codes_consistent(spec: MapSpec) -> None:
    by_code = {a.code: a for a in spec.areas}
    assert len(by_code) == len(spec.areas), "codes must be unique"
    for a in spec.areas:
        if a.level == "sub_district":
            assert re.fullmatch(r"33\d{7}", a.code) and a.parent is None
        elif a.level == "police_zone":
            assert re.fullmatch(r"\d{9}J\d{2}", a.code) and a.code[:9] == a.parent
            assert by_code[a.parent].level == "sub_district"
            assert a.name.endswith("警务区")
        elif a.level == "village":
            assert re.fullmatch(r"\d{12}", a.code) and a.code[:9] == a.parent
            number = int(a.code[9:])
            if a.kind == "community":
                assert 1 <= number <= 99 and a.name.endswith("社区")
            else:
                assert a.kind == "village" and 201 <= number <= 299 and a.name.endswith("村")
        else:
            assert re.fullmatch(r"\d{15}", a.code) and a.code[:12] == a.parent
            assert by_code[a.parent].level == "village"
            zone = by_code[a.police_zone or ""]
            assert zone.level == "police_zone"
            assert zone.parent == by_code[a.parent].parent, "zone must be in the grid's sub-district"


def _grids_of(spec: MapSpec, village: str) -> list[AreaSpec]:
    return [g for g in spec.by_level("grid") if g.parent == village]


def test_counts(spec: MapSpec) -> None:
    taiping_villages = [v for v in spec.by_level("village") if v.parent == TAIPING]
    chengxi_villages = [v for v in spec.by_level("village") if v.parent == CHENGXI]
    assert [s.code for s in spec.by_level("sub_district")] == [TAIPING, CHENGXI]
    assert len(taiping_villages) == 24
    assert sum(len(_grids_of(spec, v.code)) for v in taiping_villages) == 255
    assert all(len(_grids_of(spec, v.code)) >= 3 for v in taiping_villages)
    assert len(chengxi_villages) == 20
    assert all(3 <= len(_grids_of(spec, v.code)) <= 6 for v in chengxi_villages)
    zones = spec.by_level("police_zone")
    assert sum(z.parent == TAIPING for z in zones) == 14
    assert sum(z.parent == CHENGXI for z in zones) == 5
    assert [a.level for a in spec.areas] == sorted(
        (a.level for a in spec.areas), key=["sub_district", "police_zone", "village", "grid"].index
    )


def test_names(spec: MapSpec) -> None:
    names = {a.name: a for a in spec.areas}
    assert names["太平街道"].code == TAIPING and names["城西街道"].code == CHENGXI
    for name in ("东辉社区", "西园社区"):
        assert names[name].kind == "community" and names[name].parent == TAIPING
    assert names["肖泉村"].kind == "village" and names["肖泉村"].parent == TAIPING
    for name in ("渭川村", "吴山村"):
        assert names[name].parent == CHENGXI
    villages = [v.name for v in spec.by_level("village")]
    assert len(set(villages)) == len(villages)
    zones = [z.name for z in spec.by_level("police_zone")]
    assert len(set(zones)) == len(zones)


def test_codes(spec: MapSpec) -> None:
    assert_codes_consistent(spec)


def test_exact_tiling(spec: MapSpec) -> None:
    assert_exact_hierarchy(spec)


def test_geojson_is_rfc7946_oriented(spec: MapSpec) -> None:
    for area in spec.areas:
        geom = shape(area.boundary)
        for polygon in shapely.get_parts(geom):
            assert polygon.exterior.is_ccw
            assert not any(ring.is_ccw for ring in polygon.interiors)


def test_location_and_size(spec: MapSpec) -> None:
    subs = shapes_of(spec.by_level("sub_district"))
    taiping, chengxi = subs[TAIPING], subs[CHENGXI]
    assert abs(taiping.centroid.x - 121.37) < 0.01 and abs(taiping.centroid.y - 28.372) < 0.01
    assert abs(chengxi.centroid.x - 121.31) < 0.015 and abs(chengxi.centroid.y - 28.37) < 0.015
    assert chengxi.centroid.x < taiping.centroid.x
    assert taiping.intersection(chengxi).area < OVERLAP_TOLERANCE
    assert taiping.intersection(chengxi).length > 0.01, "the two sub-districts should share a border"
    xmin, ymin, xmax, ymax = taiping.bounds
    assert 5.0 < (xmax - xmin) * 97.96 < 9.0  # km east-west at 28.4° N
    assert 4.5 < (ymax - ymin) * 110.57 < 8.0  # km north-south


def test_grids_numbered_north_to_south_west_to_east(spec: MapSpec) -> None:
    villages = shapes_of(spec.by_level("village"))
    for code, village in villages.items():
        grids = _grids_of(spec, code)
        assert [g.code[-3:] for g in grids] == [f"{n:03d}" for n in range(1, len(grids) + 1)]
        band = reading_band(village.area, len(grids))
        centroids = [shape(g.boundary).centroid for g in grids]
        top = max(c.y for c in centroids)
        assert centroids[0].y > top - band, f"{code}001 is not in the northernmost band"
        keys = [(int((top - c.y) // band), c.x) for c in centroids]
        assert keys == sorted(keys)


def test_deterministic(spec: MapSpec) -> None:
    first = json.dumps(spec.to_feature_collection(), ensure_ascii=False, sort_keys=True)
    second = json.dumps(wenling_map().to_feature_collection(), ensure_ascii=False, sort_keys=True)
    assert first == second
