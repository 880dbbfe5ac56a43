"""Benchmarks for GridIndex against a bare shapely STRtree query.

The raw STRtree query is the floor any point-in-polygon batch lookup built on shapely can reach, so
GridIndex is judged by its ratio to it rather than by absolute numbers that depend on the machine.
"""

from __future__ import annotations

import math
import time

import numpy as np
import shapely
from shapely.geometry import Polygon

from gridgov.geo.coords import FloatArray
from gridgov.geo.locate import Bounds, GridIndex

# Typical urban grid cell size in degrees (~500 m at Wenling's latitude).
CELL_DEGREES = 0.005


def synthetic_tiling(n: int, seed: int = 1, center: tuple[float, float] = (121.37, 28.37)) -> list[Polygon]:
    """n convex polygons tiling a square around center, each about CELL_DEGREES across."""
    if n <= 0:
        return []
    half = CELL_DEGREES * math.sqrt(n) / 2.0
    cx, cy = center
    box = shapely.box(cx - half, cy - half, cx + half, cy + half)
    rng = np.random.default_rng(seed)
    seeds = rng.uniform((cx - half, cy - half), (cx + half, cy + half), size=(n, 2))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=box))
    # Each cell contains its seed, which lies inside the box, so every clip is a non-empty Polygon.
    return list(shapely.intersection(cells, box))


def _random_points(bounds: Bounds, n: int, seed: int) -> tuple[FloatArray, FloatArray]:
    minx, miny, maxx, maxy = bounds
    rng = np.random.default_rng(seed)
    return rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)


def bench_batch(
    polygons: list[Polygon], n_points: int = 200_000, repeats: int = 5, seed: int = 2
) -> dict[str, float]:
    """Best-of-`repeats` throughput of a raw STRtree query vs GridIndex.locate_many on the same points.

    The raw side gets prebuilt point geometries, so the ratio also charges GridIndex for creating
    them -- that is part of what callers pay.
    """
    index = GridIndex(list(range(len(polygons))), polygons)
    tree = shapely.STRtree(polygons)
    lngs, lats = _random_points(index.bounds, n_points, seed)
    points = shapely.points(lngs, lats)

    raw_best = index_best = math.inf
    raw_located = index_located = 0
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        pairs = tree.query(points, predicate="intersects")
        raw_best = min(raw_best, time.perf_counter() - t0)
        raw_located = int(np.unique(pairs[0]).size)

        t0 = time.perf_counter()
        found = index.locate_many(lngs, lats)
        index_best = min(index_best, time.perf_counter() - t0)
        index_located = int(np.count_nonzero(found >= 0))

    raw_rate = n_points / raw_best
    index_rate = n_points / index_best
    return {
        "grids": len(polygons),
        "points": n_points,
        "raw_points_per_s": raw_rate,
        "index_points_per_s": index_rate,
        "ratio": index_rate / raw_rate,
        "raw_located": raw_located,
        "index_located": index_located,
    }


def bench_single(polygons: list[Polygon], n: int = 20_000, seed: int = 3) -> dict[str, float]:
    """Latency percentiles (microseconds) of single-point GridIndex.locate calls."""
    index = GridIndex(list(range(len(polygons))), polygons)
    lngs, lats = _random_points(index.bounds, n, seed)
    samples = np.empty(n, dtype=np.float64)
    clock = time.perf_counter_ns
    for i, (lng, lat) in enumerate(zip(lngs.tolist(), lats.tolist(), strict=True)):
        t0 = clock()
        index.locate(lng, lat)
        samples[i] = clock() - t0
    p50, p99 = np.percentile(samples, [50, 99]).tolist()
    return {"grids": len(polygons), "calls": n, "p50_us": p50 / 1000.0, "p99_us": p99 / 1000.0}


def main() -> None:
    for n in (255, 60_000):
        t0 = time.perf_counter()
        polygons = synthetic_tiling(n)
        built = time.perf_counter() - t0
        print(f"tiling n={n}: {built:.2f}s")
        print(" batch ", bench_batch(polygons))
        print(" single", bench_single(polygons))


if __name__ == "__main__":
    main()
