"""GridIndex: single and batch point-in-grid lookups."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from gridgov.geo.locate import GridIndex

X0, Y0, D = 121.35, 28.35, 0.01


def _tiling_3x3() -> list[Polygon]:
    """Row-major 3x3 squares; position k is column k % 3, row k // 3."""
    return [
        box(X0 + c * D, Y0 + r * D, X0 + (c + 1) * D, Y0 + (r + 1) * D) for r in range(3) for c in range(3)
    ]


IDS = [101, 102, 103, 104, 105, 106, 107, 108, 109]


@pytest.fixture
def index() -> GridIndex:
    return GridIndex(IDS, _tiling_3x3())


def test_inside_each_cell(index: GridIndex) -> None:
    assert len(index) == 9
    for k, grid_id in enumerate(IDS):
        c, r = k % 3, k // 3
        assert index.locate(X0 + (c + 0.5) * D, Y0 + (r + 0.5) * D) == grid_id


def test_shared_edge_and_corner_go_to_first_position(index: GridIndex) -> None:
    edge = (X0 + D, Y0 + 0.5 * D)  # between positions 0 and 1
    corner = (X0 + D, Y0 + D)  # shared by positions 0, 1, 3, 4
    assert index.locate(*edge) == 101
    assert index.locate(*corner) == 101
    # Reversing the input order flips the winner: position decides, not id or tree order.
    rev = GridIndex(IDS[::-1], _tiling_3x3()[::-1])
    assert rev.locate(*edge) == 102
    assert rev.locate(*corner) == 105
    for idx, expect in ((index, [101, 101]), (rev, [102, 105])):
        got = idx.locate_many(np.array([edge[0], corner[0]]), np.array([edge[1], corner[1]]))
        assert got.tolist() == expect


def test_outer_boundary_counts_as_inside(index: GridIndex) -> None:
    assert index.locate(X0, Y0) == 101
    assert index.locate(X0 + 3 * D, Y0 + 3 * D) == 109


def test_outside(index: GridIndex) -> None:
    assert index.locate(X0 - 0.001, Y0 + 0.005) is None
    assert index.locate(0.0, 0.0) is None
    assert index.locate(math.nan, math.nan) is None
    got = index.locate_many(np.array([X0 - 0.001, 0.0, X0 + 0.005]), np.array([Y0 + 0.005, 0.0, Y0 + 0.005]))
    assert got.dtype == np.int64
    assert got.tolist() == [-1, -1, 101]


def test_bounds(index: GridIndex) -> None:
    assert index.bounds == pytest.approx((X0, Y0, X0 + 3 * D, Y0 + 3 * D))


def test_empty_index() -> None:
    empty = GridIndex([], [])
    assert len(empty) == 0
    assert empty.locate(X0, Y0) is None
    assert empty.locate_many(np.array([X0, 1.0]), np.array([Y0, 2.0])).tolist() == [-1, -1]
    assert all(math.isnan(b) for b in empty.bounds)


def test_locate_many_shapes(index: GridIndex) -> None:
    assert index.locate_many(np.zeros(0), np.zeros(0)).shape == (0,)
    grid = index.locate_many(np.full((2, 2), X0 + 0.005), np.full((2, 2), Y0 + 0.005))
    assert grid.shape == (2, 2) and (grid == 101).all()
    assert index.locate_many([X0 + 0.015], [Y0 + 0.005]).tolist() == [102]
    with pytest.raises(ValueError, match="shape"):
        index.locate_many(np.zeros(2), np.zeros(3))


def test_multipolygon_grid() -> None:
    # A grid split by a river: two disjoint parts, with an ordinary grid in the gap.
    split = MultiPolygon([box(0, 0, 1, 1), box(2, 0, 3, 1)])
    idx = GridIndex([7, 8], [split, box(1, 0, 2, 1)])
    assert idx.locate(0.5, 0.5) == 7
    assert idx.locate(2.5, 0.5) == 7
    assert idx.locate(1.5, 0.5) == 8
    assert idx.locate(3.5, 0.5) is None
    assert idx.locate_many(np.array([0.5, 2.5, 1.5, 3.5]), np.full(4, 0.5)).tolist() == [7, 7, 8, -1]


def test_from_geojson_matches_constructor() -> None:
    polys = _tiling_3x3()
    from_json = GridIndex.from_geojson(IDS, [shapely.to_geojson(p) for p in polys])
    direct = GridIndex(IDS, polys)
    rng = np.random.default_rng(5)
    lngs = rng.uniform(X0 - 0.005, X0 + 0.035, 500)
    lats = rng.uniform(Y0 - 0.005, Y0 + 0.035, 500)
    np.testing.assert_array_equal(from_json.locate_many(lngs, lats), direct.locate_many(lngs, lats))
    assert from_json.bounds == direct.bounds


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="ids"):
        GridIndex([1, 2], [box(0, 0, 1, 1)])
    with pytest.raises(ValueError, match="ids"):
        GridIndex.from_geojson([1], [])
    with pytest.raises(ValueError, match="Polygon"):
        GridIndex.from_geojson([1], ['{"type": "Point", "coordinates": [1, 2]}'])


def _voronoi_tiling(n: int, seed: int) -> list[Polygon]:
    rng = np.random.default_rng(seed)
    frame = box(X0, Y0, X0 + 0.1, Y0 + 0.1)
    seeds = shapely.multipoints(rng.uniform((X0, Y0), (X0 + 0.1, Y0 + 0.1), size=(n, 2)))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))
    return list(shapely.intersection(cells, frame))


def test_locate_many_equals_locate_on_voronoi_tiling() -> None:
    polys = _voronoi_tiling(400, seed=11)
    assert len(polys) == 400
    rng = np.random.default_rng(12)
    # Shuffled ids, so "first position" and "smallest id" disagree and a mix-up would show.
    ids = rng.permutation(np.arange(1000, 1400)).tolist()
    idx = GridIndex(ids, polys)

    lngs = rng.uniform(X0 - 0.01, X0 + 0.11, 10_000)
    lats = rng.uniform(Y0 - 0.01, Y0 + 0.11, 10_000)
    # Cell vertices lie on two or three cells at once: they exercise the tie-break in both paths.
    verts = shapely.get_coordinates(shapely.get_exterior_ring(np.array(polys[:50], dtype=object)))
    lngs = np.concatenate([lngs, verts[:, 0]])
    lats = np.concatenate([lats, verts[:, 1]])

    many = idx.locate_many(lngs, lats)
    single = [idx.locate(x, y) for x, y in zip(lngs.tolist(), lats.tolist(), strict=True)]
    assert many.tolist() == [-1 if s is None else s for s in single]
    assert (many == -1).any() and (many != -1).sum() > 6500  # ~69% of the sample area is tiled

    # Ground truth by brute force over every polygon, first match wins.
    for x, y, got in zip(lngs[:300].tolist(), lats[:300].tolist(), many[:300].tolist(), strict=True):
        hits = np.flatnonzero(shapely.intersects_xy(np.array(polys, dtype=object), x, y))
        assert got == (ids[hits[0]] if len(hits) else -1)


def test_the_cell_table_answers_as_the_tree_does_on_edges_holes_overlaps_and_cell_lines() -> None:
    """Batches and single points read most points from the cell table; every kind of awkward point must
    still get the tree's answer (the lowest position among the grids it touches, boundary inclusive)."""
    polys: list[Polygon | MultiPolygon] = list(_voronoi_tiling(255, seed=5))
    # A grid with a hole, a grid overlapping others, and a two-part grid.
    polys[0] = box(X0 - 0.05, Y0 - 0.05, X0 - 0.02, Y0 - 0.02).difference(
        box(X0 - 0.04, Y0 - 0.04, X0 - 0.03, Y0 - 0.03)
    )
    polys.insert(1, box(X0 + 0.02, Y0 + 0.02, X0 + 0.045, Y0 + 0.045))  # early: it wins over the cells below
    polys.append(
        MultiPolygon([box(X0 + 0.12, Y0, X0 + 0.13, Y0 + 0.01), box(X0 + 0.14, Y0, X0 + 0.15, Y0 + 0.01)])
    )
    rng = np.random.default_rng(6)
    ids = rng.permutation(np.arange(5000, 5000 + len(polys))).tolist()
    idx = GridIndex(ids, polys)
    minx, miny, maxx, maxy = idx.bounds
    # Random points, every vertex, points along every boundary, points on the table's cell lines and
    # corners (where rounding decides the cell), points just outside the bounds, and NaN.
    rings = shapely.get_coordinates(shapely.boundary(np.array(polys, dtype=object)))
    along = shapely.get_coordinates(
        shapely.line_interpolate_point(
            np.repeat(shapely.boundary(np.array(polys, dtype=object)), 40),
            np.tile(np.linspace(0, 1, 40), len(polys)),
            normalized=True,
        )
    )
    lines = np.linspace(0, 1, 257)
    grid_x, grid_y = np.meshgrid(minx + lines * (maxx - minx), miny + lines * (maxy - miny))
    xs = np.concatenate(
        [
            rng.uniform(minx - 0.01, maxx + 0.01, 40_000),
            rings[:, 0],
            along[:, 0],
            grid_x.ravel(),
            [minx - 1e-12, maxx + 1e-12, np.nan, np.nextafter(maxx, np.inf)],
        ]
    )
    ys = np.concatenate(
        [
            rng.uniform(miny - 0.01, maxy + 0.01, 40_000),
            rings[:, 1],
            along[:, 1],
            grid_y.ravel(),
            [miny, maxy, 28.36, maxy],
        ]
    )
    tree = shapely.STRtree(np.array(polys, dtype=object))
    point_idx, tree_idx = tree.query(shapely.points(xs, ys), predicate="intersects")
    first = np.full(xs.size, len(polys), dtype=np.int64)
    np.minimum.at(first, point_idx, tree_idx)
    expected = np.where(first < len(polys), np.append(np.asarray(ids), -1)[first], -1)
    got = idx.locate_many(xs, ys)
    assert got.tolist() == expected.tolist()
    assert all((got == ids[k]).any() for k in (0, 1, -1))  # the holed, overlapping and two-part grids
    # The table answered most of them, and small batches (the tree alone) agree too.
    located = expected[:40_000] != -1
    assert (idx._table_positions(xs[:40_000], ys[:40_000])[located] >= 0).mean() > 0.3
    assert idx.locate_many(xs[:50], ys[:50]).tolist() == expected[:50].tolist()
    # One point at a time (intake's way), the table read in Python: the same answers.
    single = [idx.locate(x, y) for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]
    assert [-1 if s is None else s for s in single] == expected.tolist()
