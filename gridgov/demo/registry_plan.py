"""What the demo puts in each grid: buildings, units, households and their people, as plain data.

Communities get residential blocks (多层 and 高层, numbered 幢, with 单元 and rooms like 1202); villages
get village houses (numbered 号) whose owners rent rooms to floating workers, as Wenling's villages do.
Some households stand empty, some buildings have none (a new block, a village hall), some tenants'
registrations have lapsed: the 底数清 figures then have something to show in every column.

A grid's plan depends only on its code, its quota and the numbers handed out before it, so plans are
made for every grid in code order even when some are already loaded (see registry_write).
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import shapely

from gridgov.demo.organic import stem
from gridgov.demo.registry_people import Numbers, People, PersonPlan
from gridgov.people.models.places import HIGH_RISE_FLOORS

# Households a sparse (demo-sized) plan registers per block: enough neighbours to look lived in.
SPARSE_ROOMS = (3, 6)
VACANT, RENTED = 0.07, 0.2  # of a block's flats: standing empty; let to floating tenants


@dataclass(frozen=True, slots=True)
class GridSite:
    pk: int
    code: str
    village: str
    community: bool
    boundary: str  # GeoJSON, WGS-84
    worker_id: int | None = None  # who registers the floating residents of this grid


@dataclass(slots=True)
class HouseholdPlan:
    unit: str  # "" in a village house, which has no units
    room: str
    people: list[PersonPlan] = field(default_factory=list)


@dataclass(slots=True)
class BuildingPlan:
    name: str
    address: str
    lng: float
    lat: float
    floors: int
    use: str = "residential"
    units: list[str] = field(default_factory=list)
    households: list[HouseholdPlan] = field(default_factory=list)

    @property
    def high_rise(self) -> bool:
        return self.floors >= HIGH_RISE_FLOORS


@dataclass(slots=True)
class GridPlan:
    site: GridSite
    buildings: list[BuildingPlan]

    def people(self) -> Iterator[PersonPlan]:
        for building in self.buildings:
            for household in building.households:
                yield from household.people


class _Points:
    """Random points strictly inside a grid, for placing its buildings where locate finds them."""

    def __init__(self, boundary: str, seed: int) -> None:
        # A hair inside the boundary, so no building sits on the line between two grids.
        shape = shapely.from_geojson(boundary)
        inner = shape.buffer(-0.00002)
        self._shape = inner if not inner.is_empty else shape
        self._rng = np.random.default_rng(seed)
        self._pool: list[tuple[float, float]] = []

    def next(self) -> tuple[float, float]:
        while not self._pool:
            minx, miny, maxx, maxy = self._shape.bounds
            xs = self._rng.uniform(minx, maxx, 256)
            ys = self._rng.uniform(miny, maxy, 256)
            inside = shapely.contains_xy(self._shape, xs, ys)
            self._pool = [
                (round(float(x), 7), round(float(y), 7)) for x, y in zip(xs[inside], ys[inside], strict=True)
            ]
            self._pool.reverse()
        return self._pool.pop()


class _Planner:
    def __init__(self, site: GridSite, quota: int, numbers: Numbers, today: dt.date, dense: bool) -> None:
        self.site, self.quota, self.dense = site, quota, dense
        self.rng = random.Random(f"gridgov-demo:{site.code}")
        self.people = People(self.rng, numbers, today)
        self.points = _Points(site.boundary, zlib.crc32(site.code.encode()))
        self.placed = 0
        self.buildings: list[BuildingPlan] = []

    def full(self) -> bool:
        return self.placed >= self.quota

    def building(self, name: str, address: str, floors: int, use: str = "residential") -> BuildingPlan:
        lng, lat = self.points.next()
        b = BuildingPlan(name, address, lng, lat, floors, use)
        self.buildings.append(b)
        return b

    def settle(self, building: BuildingPlan, unit: str, room: str, people: list[PersonPlan]) -> None:
        """A household with its people, cut short if it would overshoot the grid's quota."""
        if people:
            self.people.sprinkle_tags(people)
            self.people.depart(people)
            people = people[: max(1, self.quota - self.placed)]
        self.placed += len(people)
        building.households.append(HouseholdPlan(unit, room, people))

    def landlord(self) -> tuple[str, str]:
        someone = self.people.person(self.rng.randint(35, 70), self.rng.choice(("male", "female")), "head")
        return someone.name, someone.phone or self.people.numbers.phone()

    # -- communities: blocks of flats -----------------------------------------------------
    def community(self) -> None:
        compound = stem(self.site.village) + self.rng.choice(("花园", "小区", "新村", "家园", "公寓"))
        number = 0
        while not self.full():
            number += self.rng.randint(1, 3)
            floors = self.rng.choice((6, 6, 11, 18, 18, 24, 26, 33))
            block = self.building(f"{number}幢", f"{compound}{number}幢", floors)
            if self.rng.random() < 0.04:
                continue  # newly built: nobody has moved in yet
            block.units = [f"{u}单元" for u in range(1, self.rng.randint(2, 4) + 1)]
            rooms = [(u, f"{f}{r:02d}") for u in block.units for f in range(1, floors + 1) for r in (1, 2)]
            if not self.dense:
                rooms = sorted(self.rng.sample(rooms, self.rng.randint(*SPARSE_ROOMS)))
            for unit, room in rooms:
                if self.full():
                    break
                draw = self.rng.random()
                if draw < VACANT:
                    people = []
                elif draw < VACANT + RENTED:
                    people = self.people.tenants(self.landlord())
                else:
                    people = self.people.family()
                self.settle(block, unit, room, people)
        if self.rng.random() < 0.2:
            use, label = self.rng.choice((("public", "社区服务中心"), ("commercial", "沿街商铺")))
            self.building(label, f"{compound}{label}", 3, use)

    # -- villages: houses with rooms to let -----------------------------------------------
    def village(self) -> None:
        number = 0
        while not self.full():
            number += self.rng.randint(1, 4)
            house = self.building(f"{number}号", f"{self.site.village}{number}号", self.rng.randint(2, 5))
            if self.rng.random() < 0.03:
                continue  # an old house nobody lives in
            owners = [] if self.rng.random() < 0.04 else self.people.family()
            landlord = next(((p.name, p.phone) for p in owners if p.phone), None) or self.landlord()
            self.settle(house, "", "101", owners)
            lets = self.rng.choice((0, 0, 0, 1, 1, 2, 3)) if house.floors > 1 else 0
            for k in range(lets):
                if self.full():
                    break
                room = f"{2 + k // 2}0{1 + k % 2}"
                tenants = [] if self.rng.random() < 0.15 else self.people.tenants(landlord)
                self.settle(house, "", room, tenants)
        if self.rng.random() < 0.15:
            label = self.rng.choice(("文化礼堂", "老年活动室", "村民服务中心"))
            self.building(label, f"{self.site.village}{label}", 2, "public")


def plan_grid(site: GridSite, quota: int, numbers: Numbers, today: dt.date, *, dense: bool) -> GridPlan:
    """The buildings and people of one grid, `quota` residents in all (moved-away ones included)."""
    planner = _Planner(site, quota, numbers, today, dense)
    if site.community:
        planner.community()
    else:
        planner.village()
    return GridPlan(site, planner.buildings)


def sparse_quota(site: GridSite) -> int:
    """Residents of a grid in the demo: a few dozen, a few more in a community than in a village."""
    rng = random.Random(f"gridgov-demo-quota:{site.code}")
    return rng.randint(18, 30) if site.community else rng.randint(12, 22)
