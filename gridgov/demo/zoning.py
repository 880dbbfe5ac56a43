"""Grouping grids into police zones (警务区) and naming them.

Police zones are drawn by the police, not by the civil hierarchy, so they are built from grids
directly: contiguous, roughly equal in grid count, and preferring to keep a village whole.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..999 as written in names such as 第十四警务区 or 第一百零五网格."""
    if not 0 < n < 1000:
        raise ValueError(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    if hundreds == 0:
        head = "" if tens == 1 else _DIGITS[tens] if tens else ""
        return (head + "十" if tens else "") + (_DIGITS[ones] if ones else "")
    out = _DIGITS[hundreds] + "百"
    if tens:
        out += _DIGITS[tens] + "十"
    elif ones:
        out += "零"
    return out + (_DIGITS[ones] if ones else "")


def _kmeans_centres(points: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    # Farthest-point start from the north-west-most point: deterministic and well spread.
    start = int(np.lexsort((points[:, 0], -points[:, 1]))[0])
    chosen = [start]
    dist = np.linalg.norm(points - points[start], axis=1)
    while len(chosen) < k:
        nxt = int(np.argmax(dist))
        chosen.append(nxt)
        dist = np.minimum(dist, np.linalg.norm(points - points[nxt], axis=1))
    centres = points[chosen].copy()
    for _ in range(10):
        nearest = np.argmin(np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=2), axis=1)
        for z in range(k):
            if np.any(nearest == z):
                centres[z] = points[nearest == z].mean(axis=0)
    return centres


def grow_zones(
    points: NDArray[np.float64],
    neighbours: Sequence[Sequence[int]],
    labels: Sequence[int],
    k: int,
) -> list[int]:
    """Assign each item (a grid) to one of `k` contiguous zones.

    Zones grow from k-means seeds over the edge-adjacency graph, the smallest zone always moving
    next, so sizes stay balanced and every zone is connected. A candidate from a village the
    zone already holds is cheaper, which keeps most villages within one zone.
    """
    n = len(points)
    if not 0 < k <= n:
        raise ValueError(f"cannot make {k} zones out of {n} grids")
    centres = _kmeans_centres(points, k)
    zone = [-1] * n
    for z in range(k):
        free = [i for i in range(n) if zone[i] == -1]
        seed = min(free, key=lambda i: (float(np.linalg.norm(points[i] - centres[z])), i))
        zone[seed] = z
    sizes = [1] * k
    held: list[set[int]] = [set() for _ in range(k)]
    frontier: list[set[int]] = [set() for _ in range(k)]
    for i in range(n):
        if zone[i] != -1:
            held[zone[i]].add(labels[i])
            frontier[zone[i]].update(j for j in neighbours[i] if zone[j] == -1)

    def cost(i: int, z: int) -> tuple[float, int]:
        d = float(np.linalg.norm(points[i] - centres[z]))
        return (d * (0.6 if labels[i] in held[z] else 1.0), i)

    remaining = zone.count(-1)
    while remaining:
        growing = [z for z in range(k) if frontier[z]]
        if not growing:
            break
        z = min(growing, key=lambda g: (sizes[g], g))
        pick = min(frontier[z], key=lambda i: cost(i, z))
        zone[pick] = z
        sizes[z] += 1
        held[z].add(labels[pick])
        remaining -= 1
        for f in frontier:
            f.discard(pick)
        frontier[z].update(j for j in neighbours[pick] if zone[j] == -1)
    # Only reachable if the grid graph is disconnected (an exclave): fall back to distance.
    for i in range(n):
        if zone[i] == -1:
            zone[i] = int(np.argmin(np.linalg.norm(centres - points[i], axis=1)))
    _smooth(zone, neighbours, k)
    return zone


def _connected_without(members: set[int], removed: int, neighbours: Sequence[Sequence[int]]) -> bool:
    rest = members - {removed}
    if not rest:
        return False
    start = min(rest)
    seen, stack = {start}, [start]
    while stack:
        for j in neighbours[stack.pop()]:
            if j in rest and j not in seen:
                seen.add(j)
                stack.append(j)
    return len(seen) == len(rest)


def _smooth(zone: list[int], neighbours: Sequence[Sequence[int]], k: int) -> None:
    """Hand a grid to the neighbouring zone that surrounds it more than its own does.

    Greedy growth leaves thin tails where a zone was hemmed in; a few majority passes remove
    them while keeping every zone connected and within ±40 % of the average size.
    """
    n = len(zone)
    low, high = 0.6 * n / k, 1.4 * n / k
    members = [{i for i in range(n) if zone[i] == z} for z in range(k)]
    for _ in range(4):
        moved = False
        for i in range(n):
            own = zone[i]
            around = Counter(zone[j] for j in neighbours[i])
            best = min(around, key=lambda z: (-around[z], z))
            if (
                best != own
                and around[best] > around[own] + 1
                and len(members[own]) - 1 >= low
                and len(members[best]) + 1 <= high
                and _connected_without(members[own], i, neighbours)
            ):
                members[own].discard(i)
                members[best].add(i)
                zone[i] = best
                moved = True
        if not moved:
            return


def zone_names(town_short: str, village_stems_per_zone: Sequence[Sequence[str]]) -> list[str]:
    """Name each zone after the village it mostly covers (东辉警务区), as police stations do;
    when no village holds a third of the zone or that name is taken, fall back to the ordinal
    form (太平第三警务区)."""
    used: set[str] = set()
    names: list[str] = []
    for number, stems in enumerate(village_stems_per_zone, start=1):
        ranked = sorted(Counter(stems).items(), key=lambda item: (-item[1], item[0]))
        name = ""
        for stem, count in ranked:
            if f"{stem}警务区" not in used and count * 3 >= len(stems):
                name = f"{stem}警务区"
                break
        if not name:
            name = f"{town_short}第{chinese_number(number)}警务区"
        used.add(name)
        names.append(name)
    return names


def metric_points(lnglat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Scale longitude by cos(latitude) so distances in zone growing are isotropic."""
    lat0 = float(np.mean(lnglat[:, 1]))
    return np.column_stack([lnglat[:, 0] * math.cos(math.radians(lat0)), lnglat[:, 1]])
