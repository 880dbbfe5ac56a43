"""Organic (Voronoi-based) sub-district → village → grid hierarchy, shared by the Wenling demo
and the city-scale generator."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from gridgov.demo.geometry import (
    GRID_SIZE,
    Geometry,
    LocalProjection,
    adjacency,
    geojson_geometry,
    lloyd_cells,
    merge_fragments,
    reading_band,
    reading_order,
    snap_coverage,
)
from gridgov.demo.mapspec import AreaSpec, MapSpec, assemble
from gridgov.demo.zoning import chinese_number, grow_zones, metric_points, zone_names

# Given the village areas of a town (km²), how many grids each village gets.
GridRule = Callable[[Sequence[float]], list[int]]

_DIRECTIONS = {"东": (1.0, 0.0), "西": (-1.0, 0.0), "南": (0.0, -1.0), "北": (0.0, 1.0)}


@dataclass(frozen=True, slots=True)
class TownPlan:
    code: str
    name: str
    short: str  # 太平 for 太平街道; used in fallback police-zone names
    outline: Geometry  # polygon in the projection's km plane
    communities: tuple[str, ...]
    villages: tuple[str, ...]
    grid_counts: GridRule
    zones: int
    seed: int


def stem(name: str) -> str:
    """东辉社区 → 东辉, 肖泉村 → 肖泉, 太平街道 → 太平."""
    for suffix in ("社区", "街道", "村", "镇"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def place_names(
    names: Sequence[str],
    points: Sequence[tuple[float, float]],
    centre: tuple[float, float],
    band: float,
) -> list[int]:
    """Index of the point each name goes to.

    Names that announce a direction (东辉, 城西) go to the point furthest that way from the
    centre, so the demo does not put 西园社区 on the east edge; the rest follow reading order.
    """
    remaining = reading_order(points, band)
    placed: dict[int, int] = {}
    for n, name in enumerate(names):
        head = next((ch for ch in stem(name)[:2] if ch in _DIRECTIONS), None)
        if head is None:
            continue
        dx, dy = _DIRECTIONS[head]
        best = max(
            remaining,
            key=lambda i: (dx * (points[i][0] - centre[0]) + dy * (points[i][1] - centre[1]), -i),
        )
        placed[n] = best
        remaining.remove(best)
    for n in range(len(names)):
        if n not in placed:
            placed[n] = remaining.pop(0)
    return [placed[n] for n in range(len(names))]


def _xy(geom: Geometry) -> tuple[float, float]:
    c = geom.centroid
    return (float(c.x), float(c.y))


@dataclass(slots=True)
class _Village:
    town: int
    name: str
    kind: str
    grids: list[int]  # indices into the global grid list


def _plan_villages(plan: TownPlan, town: int) -> tuple[list[_Village], list[Geometry]]:
    """Village and grid shapes for one town in the km plane (not yet snapped)."""
    rng = np.random.default_rng(plan.seed)
    names = [*plan.communities, *plan.villages]
    cells = lloyd_cells(plan.outline, len(names), rng, iterations=2)
    points = [_xy(c) for c in cells]
    centre = _xy(plan.outline)
    # Communities (社区) are the built-up core around the town centre; villages (村) ring it.
    by_distance = sorted(
        range(len(cells)), key=lambda i: (np.hypot(points[i][0] - centre[0], points[i][1] - centre[1]), i)
    )
    n_comm = len(plan.communities)
    band = reading_band(float(plan.outline.area), len(cells))
    kind_cells = [by_distance[:n_comm], by_distance[n_comm:]]
    kind_names = [list(plan.communities), list(plan.villages)]
    cell_name: dict[int, tuple[str, str]] = {}
    for kind, idxs, group_names in zip(("community", "village"), kind_cells, kind_names, strict=True):
        spots = place_names(group_names, [points[i] for i in idxs], centre, band)
        for name, spot in zip(group_names, spots, strict=True):
            cell_name[idxs[spot]] = (name, kind)
    counts = plan.grid_counts([float(c.area) for c in cells])
    villages: list[_Village] = []
    pieces: list[Geometry] = []
    for i, cell in enumerate(cells):
        name, kind = cell_name[i]
        village = _Village(town=town, name=name, kind=kind, grids=[])
        for grid in lloyd_cells(cell, counts[i], rng, iterations=3):
            village.grids.append(len(pieces))
            pieces.append(grid)
        villages.append(village)
    return villages, pieces


def _union(geoms: Sequence[Geometry]) -> Geometry:
    return shapely.union_all(np.asarray(geoms, dtype=object), grid_size=GRID_SIZE)


def build_map(plans: Sequence[TownPlan], projection: LocalProjection) -> MapSpec:
    """All towns are snapped together so that shared town borders match vertex for vertex."""
    villages: list[_Village] = []
    pieces: list[Geometry] = []
    for t, plan in enumerate(plans):
        town_villages, town_pieces = _plan_villages(plan, t)
        for v in town_villages:
            v.grids = [g + len(pieces) for g in v.grids]
        villages.extend(town_villages)
        pieces.extend(town_pieces)
    owner = [0] * len(pieces)
    for v_idx, v in enumerate(villages):
        for g in v.grids:
            owner[g] = v_idx
    grids = snap_coverage(projection.to_degrees(pieces))
    grids = merge_fragments(grids, groups=owner, grid_size=GRID_SIZE)

    subs: list[AreaSpec] = []
    zones: list[AreaSpec] = []
    village_specs: list[AreaSpec] = []
    grid_specs: list[AreaSpec] = []
    for t, plan in enumerate(plans):
        town_villages = [v for v in villages if v.town == t]
        shapes = [_union([grids[g] for g in v.grids]) for v in town_villages]
        town_shape = _union(shapes)
        subs.append(AreaSpec("sub_district", plan.code, plan.name, None, geojson_geometry(town_shape)))

        band = reading_band(float(town_shape.area), len(shapes))
        centroids = [_xy(s) for s in shapes]
        ordered: list[int] = []
        village_code: dict[int, str] = {}
        for kind, base in (("community", 0), ("village", 200)):
            idxs = [i for i, v in enumerate(town_villages) if v.kind == kind]
            for n, k in enumerate(reading_order([centroids[i] for i in idxs], band), start=1):
                village_code[idxs[k]] = f"{plan.code}{base + n:03d}"
                ordered.append(idxs[k])

        # Grids of the town in final code order, with their codes and village positions.
        town_grids: list[int] = []
        grid_code: dict[int, str] = {}
        grid_village: dict[int, int] = {}
        for i in ordered:
            v = town_villages[i]
            g_band = reading_band(float(shapes[i].area), len(v.grids))
            order = reading_order([_xy(grids[g]) for g in v.grids], g_band)
            for n, k in enumerate(order, start=1):
                g = v.grids[k]
                grid_code[g] = f"{village_code[i]}{n:03d}"
                grid_village[g] = i
                town_grids.append(g)

        points = metric_points(np.array([_xy(grids[g]) for g in town_grids]))
        neighbours = adjacency([grids[g] for g in town_grids])
        labels = [grid_village[g] for g in town_grids]
        zone_of = grow_zones(points, neighbours, labels, plan.zones)
        zone_shapes = [
            _union([grids[g] for g, z in zip(town_grids, zone_of, strict=True) if z == zone])
            for zone in range(plan.zones)
        ]
        zone_order = reading_order(
            [_xy(s) for s in zone_shapes], reading_band(float(town_shape.area), plan.zones)
        )
        zone_code = {z: f"{plan.code}J{n:02d}" for n, z in enumerate(zone_order, start=1)}
        stems = [
            [stem(town_villages[lab].name) for lab, zz in zip(labels, zone_of, strict=True) if zz == z]
            for z in zone_order
        ]
        for z, name in zip(zone_order, zone_names(plan.short, stems), strict=True):
            zones.append(
                AreaSpec("police_zone", zone_code[z], name, plan.code, geojson_geometry(zone_shapes[z]))
            )
        for i in ordered:
            v = town_villages[i]
            village_specs.append(
                AreaSpec("village", village_code[i], v.name, plan.code, geojson_geometry(shapes[i]), v.kind)
            )
        zone_by_grid = dict(zip(town_grids, zone_of, strict=True))
        for g in town_grids:
            i = grid_village[g]
            name = f"{town_villages[i].name}第{chinese_number(int(grid_code[g][-3:]))}网格"
            grid_specs.append(
                AreaSpec(
                    "grid",
                    grid_code[g],
                    name,
                    village_code[i],
                    geojson_geometry(grids[g]),
                    police_zone=zone_code[zone_by_grid[g]],
                )
            )
    _check_valid([*subs, *zones, *village_specs, *grid_specs])
    return assemble(subs, zones, village_specs, grid_specs)


def _check_valid(areas: Sequence[AreaSpec]) -> None:
    # Cheap guard on the *published* (rounded) coordinates, not the in-memory shapes.
    shapes = np.array([shapely.geometry.shape(a.boundary) for a in areas], dtype=object)
    bad = [a.code for a, ok in zip(areas, shapely.is_valid(shapes), strict=True) if not ok]
    if bad:
        raise RuntimeError(f"generated invalid boundaries: {bad[:5]}")
