"""A small map and the personas of the test suite: two villages, four grids, two police zones.

village A (community)      village B (village)
+--------+--------+        +--------+--------+
| grid 1 | grid 2 |        | grid 3 | grid 4 |
+--------+--------+        +--------+--------+
zone 1: grids 1 and 3; zone 2: grids 2 and 4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridgov.accounts.models import ScopeKind, User
from gridgov.accounts.roles import Role
from gridgov.geo.index import bump_map_version
from gridgov.geo.models import Grid, PoliceZone, SubDistrict, Village

PASSWORD = "Test-pass-2026"
X0, Y0, STEP = 121.36, 28.36, 0.01


def square(col: int, row: int = 0, width: int = 1) -> dict[str, Any]:
    x, y = X0 + col * STEP, Y0 + row * STEP
    w = width * STEP
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + w, y], [x + w, y + STEP], [x, y + STEP], [x, y]]],
    }


def union(*geoms: dict[str, Any]) -> dict[str, Any]:
    import shapely

    shape = shapely.union_all([shapely.geometry.shape(g) for g in geoms])
    return dict(shapely.geometry.mapping(shape))


@dataclass
class SmallMap:
    sub_district: SubDistrict
    village_a: Village
    village_b: Village
    zone1: PoliceZone
    zone2: PoliceZone
    grids: list[Grid]


def area(model: Any, geometry: dict[str, Any], **fields: Any) -> Any:
    obj = model(**fields)
    obj.set_boundary(geometry)
    obj.save()
    return obj


def build_small_map() -> SmallMap:
    sd = area(SubDistrict, square(0, width=4), code="331081001", name="太平街道")
    va = area(
        Village, square(0, width=2), code="331081001001", name="东辉社区", kind="community", sub_district=sd
    )
    vb = area(
        Village, square(2, width=2), code="331081001201", name="肖泉村", kind="village", sub_district=sd
    )
    z1 = area(
        PoliceZone, union(square(0), square(2)), code="331081001J01", name="东辉警务区", sub_district=sd
    )
    z2 = area(
        PoliceZone, union(square(1), square(3)), code="331081001J02", name="肖泉警务区", sub_district=sd
    )
    grids = [
        area(Grid, square(i), code=f"{v.code}{n:03d}", name=f"{v.name}第{n}网格", village=v, police_zone=z)
        for i, (v, n, z) in enumerate([(va, 1, z1), (va, 2, z2), (vb, 1, z1), (vb, 2, z2)])
    ]
    bump_map_version()
    return SmallMap(sd, va, vb, z1, z2, grids)


def make_user(username: str, role: str, scope: str, *, full_name: str = "", **scope_targets: Any) -> User:
    user = User(
        username=username,
        role=role,
        scope_kind=scope,
        full_name=full_name or username,
        scope_village=scope_targets.get("village"),
        scope_sub_district=scope_targets.get("sub_district"),
    )
    user.set_password(PASSWORD)
    user.save()
    if "grids" in scope_targets:
        user.scope_grids.set(scope_targets["grids"])
    if "zones" in scope_targets:
        user.scope_police_zones.set(scope_targets["zones"])
    return user


@dataclass
class Personas:
    worker: User  # grid worker of grid 1
    other_worker: User  # grid worker of grid 2
    officer: User  # officer of police zone 1 (grids 1 and 3)
    cadre: User  # cadre of village B
    operator: User  # command-centre operator of the sub-district
    admin: User
    outsider: User  # an account with a role but nothing in scope


def build_personas(m: SmallMap) -> Personas:
    worker = make_user(
        "chenhuiling", Role.GRID_WORKER, ScopeKind.GRIDS, full_name="陈慧玲", grids=[m.grids[0]]
    )
    other = make_user("wengdi", Role.GRID_WORKER, ScopeKind.GRIDS, full_name="翁迪", grids=[m.grids[1]])
    officer = make_user(
        "linhuibing", Role.OFFICER, ScopeKind.POLICE_ZONES, full_name="林会兵", zones=[m.zone1]
    )
    cadre = make_user("cadre_b", Role.CADRE, ScopeKind.VILLAGE, village=m.village_b)
    operator = make_user("operator", Role.OPERATOR, ScopeKind.SUB_DISTRICT, sub_district=m.sub_district)
    admin = make_user("admin", Role.ADMIN, ScopeKind.ALL)
    outsider = make_user("outsider", Role.GRID_WORKER, ScopeKind.GRIDS)
    m.grids[0].workers.add(worker)
    m.grids[1].workers.add(other)
    m.zone1.officer = officer
    m.zone1.save()
    return Personas(worker, other, officer, cadre, operator, admin, outsider)
