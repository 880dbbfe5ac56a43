"""Tiling machinery for the demo maps: organic Voronoi partitions, exact snapping, ordering.

Shapes are generated in a local kilometre plane (so Voronoi cells are not stretched east-west
by the longitude scale) and only converted to degrees for the final snapping step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

# shapely ships no type information; these aliases only document intent.
Geometry = Any
Geometries = Sequence[Geometry] | NDArray[np.object_]

# 7 decimals of a degree (~1 cm) is the precision of every published coordinate.
GRID_SIZE = 1e-7
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LNG_EQUATOR = 111.320


@dataclass(frozen=True, slots=True)
class LocalProjection:
    """Equirectangular plane in km around (lng0, lat0); accurate enough over a county."""

    lng0: float
    lat0: float

    @property
    def km_per_deg_lng(self) -> float:
        return KM_PER_DEG_LNG_EQUATOR * math.cos(math.radians(self.lat0))

    def to_degrees(self, geoms: Geometries) -> NDArray[np.object_]:
        scale = np.array([1.0 / self.km_per_deg_lng, 1.0 / KM_PER_DEG_LAT])
        offset = np.array([self.lng0, self.lat0])

        def shift(xy: NDArray[np.float64]) -> NDArray[np.float64]:
            out: NDArray[np.float64] = xy * scale + offset
            return out

        return shapely.transform(np.asarray(geoms, dtype=object), shift)  # type: ignore[no-any-return]


def noisy_outline(
    cx: float,
    cy: float,
    rx: float,
    ry: float,
    rng: np.random.Generator,
    *,
    roughness: float = 0.12,
    vertices: int = 144,
) -> Geometry:
    """Star-shaped polygon whose radius wobbles smoothly, so it is always simple (valid)."""
    theta = np.linspace(0.0, 2.0 * math.pi, vertices, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 8):
        # Amplitude falling off with frequency keeps the outline smooth rather than spiky.
        amplitude = roughness * rng.uniform(0.4, 1.0) * 2.0 / k
        radius += amplitude * np.cos(k * theta + rng.uniform(0.0, 2.0 * math.pi))
    radius = np.clip(radius, 0.55, 1.45)
    ring = np.column_stack([cx + rx * radius * np.cos(theta), cy + ry * radius * np.sin(theta)])
    return shapely.Polygon(ring)


def random_points_in(region: Geometry, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    xmin, ymin, xmax, ymax = region.bounds
    found: list[NDArray[np.float64]] = []
    total = 0
    while total < n:
        batch = rng.uniform((xmin, ymin), (xmax, ymax), size=(max(2 * n, 16), 2))
        inside = batch[shapely.contains_xy(region, batch[:, 0], batch[:, 1])]
        found.append(inside)
        total += len(inside)
    return np.concatenate(found)[:n]


def voronoi_cells(points: NDArray[np.float64], region: Geometry) -> list[Geometry]:
    """Voronoi cells of `points` clipped to `region`, in the same order as `points`."""
    if len(points) == 1:
        return [region]
    xmin, ymin, xmax, ymax = region.bounds
    pad = max(xmax - xmin, ymax - ymin)
    frame = shapely.box(xmin - pad, ymin - pad, xmax + pad, ymax + pad)
    diagram = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=frame, ordered=True)
    return list(shapely.intersection(shapely.get_parts(diagram), region))


def _part_key(part: Geometry) -> tuple[float, float, float]:
    # Deterministic "largest first" order that never depends on GEOS part order.
    xmin, ymin, _, _ = part.bounds
    return (-float(part.area), xmin, ymin)


def merge_fragments(
    cells: Geometries,
    *,
    groups: Sequence[int] | None = None,
    grid_size: float | None = None,
) -> list[Geometry]:
    """Make every cell a single Polygon by handing stray parts to a neighbour.

    A convex Voronoi cell clipped to a concave region can fall apart; each stray part goes to the
    cell (of the same group, when groups are given) sharing the longest edge with it, so the
    cells still tile the same region.
    """
    out = list(cells)
    boundaries = shapely.boundary(np.asarray(out, dtype=object))
    for _ in range(4 * len(out) + 4):
        broken = [i for i, cell in enumerate(out) if cell.geom_type != "Polygon"]
        if not broken:
            return out
        i = broken[0]
        parts = sorted(shapely.get_parts(out[i]), key=_part_key)
        out[i] = parts[0]
        boundaries[i] = out[i].boundary
        for part in parts[1:]:
            shared = shapely.length(shapely.intersection(part.boundary, boundaries))
            shared[i] = -1.0
            if groups is not None:
                same = np.asarray(groups) == groups[i]
                shared[~same] = -1.0
            j = int(np.argmax(shared))
            if shared[j] <= 0.0:
                raise RuntimeError("fragment has no neighbour to merge into")
            out[j] = shapely.union(out[j], part, grid_size=grid_size)
            boundaries[j] = out[j].boundary
    raise RuntimeError("could not merge cell fragments")


def lloyd_cells(region: Geometry, n: int, rng: np.random.Generator, *, iterations: int = 2) -> list[Geometry]:
    """Partition `region` into `n` connected cells; a few Lloyd steps even out their sizes
    while leaving enough irregularity to look surveyed rather than drawn."""
    if n == 1:
        return [region]
    points = random_points_in(region, n, rng)
    for step in range(iterations + 1):
        cells = merge_fragments(voronoi_cells(points, region))
        if step == iterations:
            return cells
        centroids = shapely.centroid(np.asarray(cells, dtype=object))
        outside = ~shapely.contains(region, centroids)
        centroids[outside] = shapely.point_on_surface(np.asarray(cells, dtype=object)[outside])
        points = shapely.get_coordinates(centroids)
    raise AssertionError("unreachable")


def apportion(weights: Sequence[float], total: int, minimum: int) -> list[int]:
    """Split `total` roughly in proportion to `weights` (largest remainder), at least `minimum` each."""
    n = len(weights)
    if n * minimum > total:
        raise ValueError(f"cannot give {n} parts at least {minimum} out of {total}")
    weight_sum = float(sum(weights))
    ideal = [total * w / weight_sum for w in weights]
    counts = [max(minimum, math.floor(x)) for x in ideal]
    while sum(counts) < total:
        i = max(range(n), key=lambda k: (ideal[k] - counts[k], -k))
        counts[i] += 1
    while sum(counts) > total:
        candidates = [k for k in range(n) if counts[k] > minimum]
        i = min(candidates, key=lambda k: (ideal[k] - counts[k], k))
        counts[i] -= 1
    return counts


def snap_coverage(pieces: Geometries, grid_size: float = GRID_SIZE) -> list[Geometry]:
    """Snap near-tiling polygons to a shared precision grid so they tile exactly.

    Rounding each polygon on its own would move a vertex on one side of a shared edge but not
    the matching T-junction on the other, leaving slivers. Instead all boundaries are noded
    together with snap rounding and re-polygonised; each resulting face goes to the piece it
    overlaps most. Every output vertex then lies on the grid, so rounding to 7 decimals later
    is a no-op and cannot break validity.
    """
    arr = np.asarray(pieces, dtype=object)
    noded = shapely.union_all(shapely.boundary(arr), grid_size=grid_size)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    faces = faces[shapely.area(faces) > 0.0]
    tree = shapely.STRtree(arr)
    face_idx, piece_idx = tree.query(faces, predicate="intersects")
    overlap = shapely.area(shapely.intersection(faces[face_idx], arr[piece_idx]))
    # Sort so that for each face the best piece comes first; ties go to the lower piece index.
    order = np.lexsort((piece_idx, -overlap, face_idx))
    best: dict[int, int] = {}
    for k in order:
        best.setdefault(int(face_idx[k]), int(piece_idx[k]))
    members: list[list[int]] = [[] for _ in range(len(arr))]
    for face, piece in sorted(best.items()):
        members[piece].append(face)
    out = []
    for i, face_ids in enumerate(members):
        if not face_ids:
            raise RuntimeError(f"piece {i} vanished when snapping to the precision grid")
        out.append(shapely.union_all(faces[face_ids], grid_size=grid_size))
    return out


def adjacency(geoms: Geometries) -> list[list[int]]:
    """Neighbours sharing an edge (not just a corner) with each geometry, sorted."""
    arr = np.asarray(geoms, dtype=object)
    left, right = shapely.STRtree(arr).query(arr, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(arr[left]), shapely.boundary(arr[right])))
    neighbours: list[list[int]] = [[] for _ in range(len(arr))]
    for a, b, length in zip(left.tolist(), right.tolist(), shared.tolist(), strict=True):
        if length > 0.0:
            neighbours[a].append(b)
            neighbours[b].append(a)
    return [sorted(n) for n in neighbours]


def reading_band(area: float, count: int) -> float:
    """Height of one row when numbering `count` cells covering `area`, in the same unit."""
    return 0.75 * math.sqrt(area / max(count, 1))


def reading_order(points: Sequence[tuple[float, float]], band: float) -> list[int]:
    """Indices in Chinese reading order for maps: rows north to south, west to east within a row.

    Rows are latitude bands measured down from the northernmost point, so a slightly higher
    cell further east does not jump ahead of its western neighbour.
    """
    if not points:
        return []
    top = max(y for _, y in points)

    def key(i: int) -> tuple[int, float, float, int]:
        x, y = points[i]
        return (math.floor((top - y) / band), x, -y, i)

    return sorted(range(len(points)), key=key)


def geojson_geometry(geom: Geometry, ndigits: int = 7) -> dict[str, Any]:
    """GeoJSON geometry with RFC 7946 ring orientation (exterior counter-clockwise)."""
    oriented = shapely.orient_polygons(geom)

    def rings(polygon: Geometry) -> list[Any]:
        return [
            np.round(shapely.get_coordinates(ring), ndigits).tolist()
            for ring in (polygon.exterior, *polygon.interiors)
        ]

    if oriented.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": rings(oriented)}
    if oriented.geom_type == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [rings(p) for p in oriented.geoms]}
    raise ValueError(f"expected a polygonal geometry, got {oriented.geom_type}")
