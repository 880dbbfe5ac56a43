"""Benchmark helpers run at toy sizes: they must work and agree, never be timed here."""

from __future__ import annotations

import math

import shapely
from shapely.geometry import Polygon

from gridgov.bench.locate_bench import CELL_DEGREES, bench_batch, bench_single, synthetic_tiling


def test_synthetic_tiling_tiles_a_box() -> None:
    polys = synthetic_tiling(50, seed=4)
    assert len(polys) == 50
    assert all(isinstance(p, Polygon) and p.is_valid and not p.is_empty for p in polys)
    minx, miny, maxx, maxy = shapely.total_bounds(polys).tolist()
    assert math.isclose((minx + maxx) / 2, 121.37) and math.isclose((miny + maxy) / 2, 28.37)
    # No gaps and no overlaps: areas add up to the union, which fills the bounding box.
    total = sum(p.area for p in polys)
    assert math.isclose(total, shapely.union_all(polys).area, rel_tol=1e-9)
    assert math.isclose(total, (maxx - minx) * (maxy - miny), rel_tol=1e-9)
    assert math.isclose(total / 50, CELL_DEGREES**2, rel_tol=1e-9)
    # Same seed, same tiling.
    assert [p.wkb for p in synthetic_tiling(50, seed=4)] == [p.wkb for p in polys]
    assert synthetic_tiling(0) == []


def test_bench_batch_runs_and_agrees() -> None:
    polys = synthetic_tiling(50)
    result = bench_batch(polys, n_points=2_000, repeats=1)
    for key in ("grids", "points", "raw_points_per_s", "index_points_per_s", "ratio"):
        assert result[key] > 0, key
    assert result["grids"] == 50 and result["points"] == 2_000
    assert result["index_located"] == result["raw_located"]
    assert result["index_located"] > 0


def test_bench_single_runs() -> None:
    result = bench_single(synthetic_tiling(50), n=200)
    assert result["calls"] == 200
    assert result["p50_us"] > 0 and result["p99_us"] >= result["p50_us"]
