"""Plain-data description of a demo map: administrative areas with GeoJSON boundaries.

Kept free of Django and shapely so the generators, the importer and the tests can share it
without pulling in either.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["sub_district", "village", "grid", "police_zone"]

# Order in which MapSpec.areas lists the levels: parents before the children that refer to them
# (police zones precede grids because a grid names its zone).
LEVELS: tuple[Level, ...] = ("sub_district", "police_zone", "village", "grid")


@dataclass(frozen=True, slots=True)
class AreaSpec:
    level: Level
    code: str
    name: str
    parent: str | None
    boundary: dict[str, Any]
    kind: str = ""
    police_zone: str | None = None

    def properties(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "code": self.code,
            "name": self.name,
            "parent": self.parent,
            "kind": self.kind,
            "police_zone": self.police_zone,
        }


@dataclass(frozen=True, slots=True)
class MapSpec:
    areas: tuple[AreaSpec, ...]

    def by_level(self, level: Level) -> list[AreaSpec]:
        return [area for area in self.areas if area.level == level]

    def to_feature_collection(self) -> dict[str, Any]:
        """GeoJSON FeatureCollection; this is also the file format `gridgov import-map` reads."""
        return {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": area.properties(), "geometry": area.boundary}
                for area in self.areas
            ],
        }


def area_counts(spec: MapSpec) -> dict[str, int]:
    counts = Counter(area.level for area in spec.areas)
    # Every level is present, even at zero, so callers can index without .get().
    return {level: counts.get(level, 0) for level in LEVELS}


def assemble(
    sub_districts: list[AreaSpec],
    police_zones: list[AreaSpec],
    villages: list[AreaSpec],
    grids: list[AreaSpec],
) -> MapSpec:
    return MapSpec(areas=(*sub_districts, *police_zones, *villages, *grids))
