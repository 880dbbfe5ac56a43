"""Routing: the person who holds a case at each level, from the map's assignments."""

from __future__ import annotations

from typing import Any, Protocol

from gridgov.accounts.models import ScopeKind, User
from gridgov.accounts.roles import Role
from gridgov.cases.models.case import Level
from gridgov.cases.models.categories import HandlerKind
from gridgov.geo.models import Grid


def grid_handler(grid: Grid) -> User | None:
    """The grid's worker on duty; the grid leader when no worker is (inactive accounts are off duty)."""
    worker = grid.workers.filter(is_active=True).order_by("pk").first()
    if worker is not None:
        return worker
    return grid.leader if grid.leader is not None and grid.leader.is_active else None


def command_operator(grid: Grid) -> User | None:
    """An operator of the command centre of the grid's sub-district (or one who sees everything)."""
    sub_district_id = grid.village.sub_district_id
    operators = User.objects.filter(role=Role.OPERATOR, is_active=True)
    return (
        operators.filter(scope_kind=ScopeKind.SUB_DISTRICT, scope_sub_district_id=sub_district_id)
        .order_by("pk")
        .first()
        or operators.filter(scope_kind=ScopeKind.ALL).order_by("pk").first()
    )


class Staff(Protocol):
    """Who is on duty: asked of the database (LIVE), or of intake's per-process cache."""

    def worker(self, grid: Grid) -> User | None: ...

    def operator(self, grid: Grid) -> User | None: ...

    def member(self, department: Any) -> User | None: ...


class _Live:
    def worker(self, grid: Grid) -> User | None:
        return grid_handler(grid)

    def operator(self, grid: Grid) -> User | None:
        return command_operator(grid)

    def member(self, department: Any) -> User | None:
        return department.members.filter(is_active=True).order_by("pk").first()  # type: ignore[no-any-return]


LIVE: Staff = _Live()


def holder(grid: Grid, handler: str, level: int, department: Any = None, staff: Staff = LIVE) -> User | None:
    """Who holds a case at `level`: the handler, then the grid leader, then the command centre."""
    if level >= Level.COMMAND:
        return staff.operator(grid)
    if level == Level.VILLAGE:
        leader = grid.leader if grid.leader is not None and grid.leader.is_active else None
        return leader or staff.operator(grid)
    if handler == HandlerKind.POLICE:
        officer = grid.police_zone.officer
        return officer if officer is not None and officer.is_active else staff.operator(grid)
    if handler == HandlerKind.DEPARTMENT:
        member = staff.member(department) if department else None
        return member or staff.operator(grid)
    return staff.worker(grid) or staff.operator(grid)
