"""Data model of demo maps, plus the geometry helpers every generator relies on."""

import dataclasses
import json

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box, shape

from gridgov.demo.geometry import (
    apportion,
    geojson_geometry,
    lloyd_cells,
    merge_fragments,
    reading_order,
    snap_coverage,
)
from gridgov.demo.mapspec import AreaSpec, MapSpec, area_counts, assemble
from gridgov.demo.zoning import chinese_number, grow_zones, zone_names

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def _spec() -> MapSpec:
    return assemble(
        [AreaSpec("sub_district", "331081001", "太平街道", None, SQUARE)],
        [AreaSpec("police_zone", "331081001J01", "东辉警务区", "331081001", SQUARE)],
        [AreaSpec("village", "331081001001", "东辉社区", "331081001", SQUARE, "community")],
        [
            AreaSpec(
                "grid",
                "331081001001001",
                "东辉社区第一网格",
                "331081001001",
                SQUARE,
                police_zone="331081001J01",
            )
        ],
    )


def test_area_spec_is_frozen_and_slotted() -> None:
    area = _spec().areas[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        area.name = "x"  # type: ignore[misc]
    assert not hasattr(area, "__dict__")


def test_assemble_orders_parents_first_and_by_level_filters() -> None:
    spec = _spec()
    assert [a.level for a in spec.areas] == ["sub_district", "police_zone", "village", "grid"]
    assert [a.code for a in spec.by_level("grid")] == ["331081001001001"]
    assert spec.by_level("village")[0].kind == "community"


def test_feature_collection_is_the_import_format() -> None:
    fc = _spec().to_feature_collection()
    assert fc["type"] == "FeatureCollection"
    grid = fc["features"][-1]
    assert grid["type"] == "Feature"
    assert grid["geometry"] == SQUARE
    assert grid["properties"] == {
        "level": "grid",
        "code": "331081001001001",
        "name": "东辉社区第一网格",
        "parent": "331081001001",
        "kind": "",
        "police_zone": "331081001J01",
    }
    assert fc["features"][0]["properties"]["parent"] is None
    json.dumps(fc, ensure_ascii=False)  # must be plain JSON


def test_area_counts_lists_every_level() -> None:
    assert area_counts(_spec()) == {"sub_district": 1, "police_zone": 1, "village": 1, "grid": 1}
    assert area_counts(MapSpec(areas=())) == {"sub_district": 0, "police_zone": 0, "village": 0, "grid": 0}


def test_apportion_is_proportional_with_a_floor() -> None:
    assert apportion([1, 1, 2], 8, minimum=1) == [2, 2, 4]
    counts = apportion([100.0, 1.0, 1.0], 20, minimum=3)
    assert sum(counts) == 20 and min(counts) == 3 and counts[0] == 14
    with pytest.raises(ValueError):
        apportion([1.0, 1.0], 5, minimum=3)


def test_reading_order_rows_north_to_south_then_west_to_east() -> None:
    points = [(2.0, 0.0), (0.0, 0.05), (1.0, 1.0), (0.0, 1.1), (5.0, 0.95)]
    assert reading_order(points, band=0.5) == [3, 2, 4, 1, 0]


def test_chinese_numbers() -> None:
    assert [chinese_number(n) for n in (1, 10, 14, 20, 35, 100, 105, 110)] == [
        "一",
        "十",
        "十四",
        "二十",
        "三十五",
        "一百",
        "一百零五",
        "一百一十",
    ]


def test_zone_names_use_landmarks_then_ordinals() -> None:
    names = zone_names(
        "太平",
        [
            ["东辉", "东辉", "西园"],
            ["东辉", "东辉"],
            ["肖泉", "肖泉", "三星", "上保"],
            ["上保", "下保", "三星", "塘岙"],
        ],
    )
    assert names == ["东辉警务区", "太平第二警务区", "肖泉警务区", "太平第四警务区"]


def test_lloyd_cells_tile_a_concave_region_with_single_polygons() -> None:
    region = Polygon([(0, 0), (10, 0), (10, 10), (6, 10), (6, 2), (4, 2), (4, 10), (0, 10)])
    cells = lloyd_cells(region, 12, np.random.default_rng(1))
    assert len(cells) == 12
    assert all(c.geom_type == "Polygon" and c.is_valid for c in cells)
    assert abs(sum(c.area for c in cells) - region.area) < 1e-9
    assert shapely.union_all(cells).symmetric_difference(region).area < 1e-9


def test_merge_fragments_hands_stray_parts_to_the_longest_neighbour() -> None:
    split = shapely.union(box(0, 0, 1, 1), box(2, 0, 3, 1))
    cells = merge_fragments([split, box(1, 0, 2, 1)])
    assert [c.geom_type for c in cells] == ["Polygon", "Polygon"]
    assert cells[1].equals(box(1, 0, 3, 1))


def test_snap_coverage_is_exact_on_the_precision_grid() -> None:
    # Two squares sharing an edge that is off-grid and carries an extra vertex on one side only.
    x = 121.37000003
    left = Polygon([(121.36, 28.37), (x, 28.37), (x, 28.375), (x, 28.38), (121.36, 28.38)])
    right = Polygon([(x, 28.37), (121.38, 28.37), (121.38, 28.38), (x, 28.38)])
    snapped = snap_coverage([left, right])
    assert shapely.intersection(snapped[0], snapped[1]).area == 0.0
    coords = shapely.get_coordinates(np.array(snapped, dtype=object))
    assert np.array_equal(np.round(coords, 7), coords)
    assert all(shapely.is_valid(np.array(snapped, dtype=object)))


def test_geojson_geometry_rounds_and_orients_counter_clockwise() -> None:
    clockwise = Polygon([(0, 0), (0, 1.123456789), (1, 1), (1, 0)])
    gj = geojson_geometry(clockwise)
    assert gj["type"] == "Polygon"
    assert [0.0, 1.1234568] in gj["coordinates"][0]
    assert shape(gj).exterior.is_ccw


def test_grow_zones_makes_contiguous_balanced_zones() -> None:
    # A 6 × 6 lattice of unit cells.
    cells = [box(c, -r, c + 1, -r + 1) for r in range(6) for c in range(6)]
    points = np.array([(c.centroid.x, c.centroid.y) for c in cells])
    neighbours = [
        [j for j, other in enumerate(cells) if i != j and cell.intersection(other).length > 0]
        for i, cell in enumerate(cells)
    ]
    zone = grow_zones(points, neighbours, labels=[0] * 36, k=4)
    assert sorted(set(zone)) == [0, 1, 2, 3]
    for z in range(4):
        members = [cells[i] for i in range(36) if zone[i] == z]
        assert 6 <= len(members) <= 12
        assert shapely.union_all(members).geom_type == "Polygon"
