"""Large synthetic maps for load testing: a whole city (organic shapes) and a province (lattice).

Shapes are synthetic; codes and naming follow the real conventions so that code-prefix queries,
sorting and search behave as they would on production data.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from gridgov.demo.geometry import LocalProjection, apportion, lloyd_cells, noisy_outline, reading_band
from gridgov.demo.mapspec import AreaSpec, MapSpec, area_counts, assemble
from gridgov.demo.organic import TownPlan, build_map, place_names
from gridgov.demo.zoning import chinese_number

__all__ = ["Scale", "area_counts", "scaled_map"]

Scale = Literal["city", "province"]

# Wenling's real sub-districts (街道, codes 0xx) and towns (镇, codes 1xx).
_CITY_TOWNS = (
    ("太平街道", "001"),
    ("城东街道", "002"),
    ("城西街道", "003"),
    ("城北街道", "004"),
    ("横峰街道", "005"),
    ("泽国镇", "101"),
    ("大溪镇", "102"),
    ("松门镇", "103"),
    ("箬横镇", "104"),
    ("新河镇", "105"),
    ("石塘镇", "106"),
    ("滨海镇", "107"),
    ("温峤镇", "108"),
    ("城南镇", "109"),
    ("石桥头镇", "110"),
    ("坞根镇", "111"),
)
_FIRST = "东西南北上下前后大小新老石山岭岙塘溪洋湖桥林竹梅桃李王陈张金水田沙岩白青"
_SECOND = "山岙塘头桥洋溪湖门林岭屿坑浦田岩港埠庄里"


def _stems(rng: np.random.Generator) -> Iterator[str]:
    """Endless supply of distinct two-character place-name stems (石塘, 梅岙 …)."""
    pairs = [a + b for a, b in itertools.product(_FIRST, _SECOND) if a != b]
    for round_ in itertools.count():
        for k in rng.permutation(len(pairs)):
            # After one pass, a prefix keeps stems distinct (rarely needed: 700+ per pass).
            yield pairs[int(k)] if round_ == 0 else f"{_FIRST[round_ % len(_FIRST)]}{pairs[int(k)]}"


def _city(seed: int) -> MapSpec:
    rng = np.random.default_rng(seed)
    projection = LocalProjection(121.36, 28.37)
    # Wenling is roughly 40 km × 30 km of land (~920 km²).
    county = noisy_outline(0.0, 0.0, 20.0, 15.0, rng, roughness=0.15, vertices=240)
    cells = lloyd_cells(county, len(_CITY_TOWNS), rng, iterations=3)
    points = [(float(c.centroid.x), float(c.centroid.y)) for c in cells]
    centre = (float(county.centroid.x), float(county.centroid.y))
    # The old town (太平) takes the most central cell; the rest follow direction and reading order.
    central = min(range(len(cells)), key=lambda i: (np.hypot(points[i][0], points[i][1]), i))
    others = [i for i in range(len(cells)) if i != central]
    spots = place_names(
        [name for name, _ in _CITY_TOWNS[1:]],
        [points[i] for i in others],
        centre,
        reading_band(float(county.area), len(cells)),
    )
    cell_of = [central, *(others[s] for s in spots)]
    stems = _stems(rng)
    plans = []
    for t, (name, suffix) in enumerate(_CITY_TOWNS):
        n_villages = int(rng.integers(13, 18))
        n_communities = 5 if name.endswith("街道") else 2
        names = [next(stems) for _ in range(n_villages)]
        total = round(12.5 * n_villages)
        plans.append(
            TownPlan(
                code=f"331081{suffix}",
                name=name,
                short=name.removesuffix("街道").removesuffix("镇"),
                outline=cells[cell_of[t]],
                communities=tuple(f"{s}社区" for s in names[:n_communities]),
                villages=tuple(f"{s}村" for s in names[n_communities:]),
                grid_counts=functools.partial(apportion, total=total, minimum=3),
                zones=10,
                seed=seed * 1000 + t,
            )
        )
    return build_map(plans, projection)


# ---- province: jittered lattice -------------------------------------------------------------

_PREFECTURES = (
    ("3301", 120.15, 30.28),  # 杭州
    ("3302", 121.55, 29.87),  # 宁波
    ("3303", 120.70, 28.00),  # 温州
    ("3304", 120.75, 30.75),  # 嘉兴
    ("3305", 120.09, 30.89),  # 湖州
    ("3306", 120.58, 30.03),  # 绍兴
    ("3307", 119.65, 29.08),  # 金华
    ("3308", 118.87, 28.94),  # 衢州
    ("3309", 122.20, 30.00),  # 舟山
    ("3310", 121.42, 28.66),  # 台州
    ("3311", 119.92, 28.45),  # 丽水
)
# Cells per block at each level (rows, cols); grids are the lattice cells.
_GRID_BLOCK = (4, 3)  # grids per village
_VILLAGE_BLOCK = (4, 4)  # villages per sub-district
_SUB_BLOCK = (3, 4)  # sub-districts per county
_COUNTY_BLOCK = (5, 6)  # counties in the province
_EXTENT = (118.2, 27.2, 122.8, 30.8)  # west, south, east, north


def _lattice(rng: np.random.Generator, rows: int, cols: int) -> NDArray[np.float64]:
    """(rows+1, cols+1, 2) vertex array, row 0 northmost.

    Every cell is built from these shared vertices, so neighbours match exactly and rounding
    once here keeps the whole tiling exact. Warp and jitter stay well under half a cell, which
    keeps every quadrilateral simple.
    """
    west, south, east, north = _EXTENT
    dx, dy = (east - west) / cols, (north - south) / rows
    i = np.arange(rows + 1, dtype=float)[:, None] * np.ones((1, cols + 1))
    j = np.ones((rows + 1, 1)) * np.arange(cols + 1, dtype=float)[None, :]
    phase = rng.uniform(0.0, 2.0 * np.pi, size=4)
    warp_x = 0.8 * dx * np.sin(2 * np.pi * i / 41 + phase[0]) + 0.5 * dx * np.sin(
        2 * np.pi * j / 53 + phase[1]
    )
    warp_y = 0.8 * dy * np.sin(2 * np.pi * j / 47 + phase[2]) + 0.5 * dy * np.sin(
        2 * np.pi * i / 59 + phase[3]
    )
    lng = west + j * dx + warp_x + rng.uniform(-0.2, 0.2, size=i.shape) * dx
    lat = north - i * dy + warp_y + rng.uniform(-0.2, 0.2, size=i.shape) * dy
    return np.round(np.stack([lng, lat], axis=-1), 7)


def _block_ring(v: NDArray[np.float64], r0: int, r1: int, c0: int, c1: int) -> dict[str, Any]:
    """Boundary of the cell block rows [r0, r1) × cols [c0, c1), counter-clockwise from NW."""
    ring = np.concatenate(
        [
            v[r0:r1, c0],  # west side, going south
            v[r1, c0:c1],  # south side, going east
            v[r1:r0:-1, c1],  # east side, going north
            v[r0, c1:c0:-1],  # north side, going west
            v[r0 : r0 + 1, c0],  # close the ring
        ]
    )
    return {"type": "Polygon", "coordinates": [ring.tolist()]}


def _county_codes(lattice: NDArray[np.float64], county_rows: int, county_cols: int) -> list[str]:
    """Counties take the prefecture code of the nearest real prefecture seat, numbered 02, 03 …"""
    seats = np.array([(lng, lat) for _, lng, lat in _PREFECTURES])
    rows, cols = lattice.shape[0] - 1, lattice.shape[1] - 1
    next_number = dict.fromkeys((p for p, _, _ in _PREFECTURES), 2)
    codes = []
    for cr, cc in itertools.product(range(county_rows), range(county_cols)):
        r = (2 * cr + 1) * rows // (2 * county_rows)
        c = (2 * cc + 1) * cols // (2 * county_cols)
        prefecture = _PREFECTURES[int(np.argmin(np.linalg.norm(seats - lattice[r, c], axis=1)))][0]
        codes.append(f"{prefecture}{next_number[prefecture]:02d}")
        next_number[prefecture] += 1
    return codes


def _province(seed: int) -> MapSpec:
    rng = np.random.default_rng(seed)
    (gr, gc), (vr, vc), (sr, sc), (kr, kc) = _GRID_BLOCK, _VILLAGE_BLOCK, _SUB_BLOCK, _COUNTY_BLOCK
    rows, cols = kr * sr * vr * gr, kc * sc * vc * gc
    v = _lattice(rng, rows, cols)
    quads = np.stack([v[:-1, :-1], v[1:, :-1], v[1:, 1:], v[:-1, 1:], v[:-1, :-1]], axis=2).tolist()
    county_codes = _county_codes(v, kr, kc)

    subs: list[AreaSpec] = []
    zones: list[AreaSpec] = []
    villages: list[AreaSpec] = []
    grids: list[AreaSpec] = []
    for county, (kr_i, kc_i) in zip(county_codes, itertools.product(range(kr), range(kc)), strict=True):
        sub_stems = _stems(rng)
        town_number = {"街道": 0, "镇": 100}
        for s_i, s_j in itertools.product(range(sr), range(sc)):
            # The middle row of sub-districts is the urban core (街道); the rest are towns (镇).
            suffix = "街道" if s_i == sr // 2 else "镇"
            town_number[suffix] += 1
            sub_code = f"{county}{town_number[suffix]:03d}"
            sub_stem = next(sub_stems)
            r0, c0 = (kr_i * sr + s_i) * vr * gr, (kc_i * sc + s_j) * vc * gc
            subs.append(
                AreaSpec(
                    "sub_district",
                    sub_code,
                    sub_stem + suffix,
                    None,
                    _block_ring(v, r0, r0 + vr * gr, c0, c0 + vc * gc),
                )
            )
            village_codes = _village_codes(sub_code, suffix == "街道", vr, vc)
            village_stems = _stems(rng)
            names: dict[tuple[int, int], str] = {}
            for v_i, v_j in itertools.product(range(vr), range(vc)):
                code, kind = village_codes[(v_i, v_j)]
                stem = next(village_stems)
                names[(v_i, v_j)] = stem
                name = stem + ("社区" if kind == "community" else "村")
                vr0, vc0 = r0 + v_i * gr, c0 + v_j * gc
                villages.append(
                    AreaSpec(
                        "village", code, name, sub_code, _block_ring(v, vr0, vr0 + gr, vc0, vc0 + gc), kind
                    )
                )
                zone_code = f"{sub_code}J{v_i * (vc // 2) + v_j // 2 + 1:02d}"
                for n, (g_i, g_j) in enumerate(itertools.product(range(gr), range(gc)), start=1):
                    grids.append(
                        AreaSpec(
                            "grid",
                            f"{code}{n:03d}",
                            f"{name}第{chinese_number(n)}网格",
                            code,
                            {"type": "Polygon", "coordinates": [quads[vr0 + g_i][vc0 + g_j]]},
                            police_zone=zone_code,
                        )
                    )
            # Police zones pair up neighbouring villages (1 × 2 village blocks).
            for z_i, z_j in itertools.product(range(vr), range(vc // 2)):
                zr0, zc0 = r0 + z_i * gr, c0 + 2 * z_j * gc
                zones.append(
                    AreaSpec(
                        "police_zone",
                        f"{sub_code}J{z_i * (vc // 2) + z_j + 1:02d}",
                        f"{names[(z_i, 2 * z_j)]}警务区",
                        sub_code,
                        _block_ring(v, zr0, zr0 + gr, zc0, zc0 + 2 * gc),
                    )
                )
    return assemble(_sorted(subs), _sorted(zones), _sorted(villages), _sorted(grids))


def _village_codes(sub_code: str, urban: bool, vr: int, vc: int) -> dict[tuple[int, int], tuple[str, str]]:
    """Communities (0xx) in the centre of urban sub-districts, villages (2xx) elsewhere,
    each numbered in reading order."""
    central = {(i, j) for i in (vr // 2 - 1, vr // 2) for j in (vc // 2 - 1, vc // 2)}
    if not urban:
        central = {(vr // 2 - 1, vc // 2 - 1)}
    out: dict[tuple[int, int], tuple[str, str]] = {}
    counters = {"community": 0, "village": 200}
    for cell in itertools.product(range(vr), range(vc)):
        kind = "community" if cell in central else "village"
        counters[kind] += 1
        out[cell] = (f"{sub_code}{counters[kind]:03d}", kind)
    return out


def _sorted(areas: Sequence[AreaSpec]) -> list[AreaSpec]:
    # Communities are numbered before villages, so creation order is not code order.
    return sorted(areas, key=lambda a: a.code)


def scaled_map(scale: Scale, seed: int = 7) -> MapSpec:
    """city: Wenling-sized (16 towns, ~3,000 grids, 10 police zones per town, organic shapes).
    province: 30 counties, 360 sub-districts, 5,760 villages, 69,120 grids (lattice shapes)."""
    if scale == "city":
        return _city(seed)
    if scale == "province":
        return _province(seed)
    raise ValueError(f"unknown scale {scale!r}")
