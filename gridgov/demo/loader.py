"""Load the deterministic Wenling demo: the map (through the same importer as any map file) and staff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from gridgov.accounts.models import ScopeKind, User
from gridgov.core import context
from gridgov.demo.cases import load_cases
from gridgov.demo.mapspec import MapSpec
from gridgov.demo.mediation import load_mediation
from gridgov.demo.people import OFFICE_STAFF, StaffSpec, staff_for
from gridgov.demo.registry import load_demo_registry
from gridgov.geo.importer import import_map
from gridgov.geo.models import Grid, PoliceZone, SubDistrict, Village

Progress = Callable[[str], None]


class DemoError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class DemoSummary:
    grids: int
    villages: int
    police_zones: int
    accounts: int
    residents: int = 0  # written by this run (0 on a re-run: the registry is already there)


def load_map(spec: MapSpec) -> None:
    report = import_map(spec.to_feature_collection())
    if not report.ok:
        first = report.failures()[:3]
        raise DemoError(f"the demo map failed its own validation: {first}")


def _apply_scope(user: User, spec: StaffSpec, ids: dict[str, dict[str, int]]) -> None:
    user.scope_village_id = (
        ids["village"].get(spec.scope_code) if spec.scope_kind == ScopeKind.VILLAGE else None
    )
    user.scope_sub_district_id = (
        ids["sub_district"].get(spec.scope_code) if spec.scope_kind == ScopeKind.SUB_DISTRICT else None
    )


def load_staff(specs: list[StaffSpec], password: str) -> int:
    ids = {
        "grid": dict(Grid.objects.values_list("code", "pk")),
        "police_zone": dict(PoliceZone.objects.values_list("code", "pk")),
        "village": dict(Village.objects.values_list("code", "pk")),
        "sub_district": dict(SubDistrict.objects.values_list("code", "pk")),
    }
    existing = {u.username: u for u in User.objects.filter(username__in=[s.username for s in specs])}
    # One Argon2 hash for every demo account: hashing hundreds of times would take minutes. A re-run
    # keeps the stored hashes unless the demo password changed.
    probe = existing.get("admin")
    reset = probe is None or not probe.check_password(password)
    hashed = make_password(password)
    users: dict[str, User] = {}
    for spec in specs:
        user = existing.get(spec.username) or User(username=spec.username)
        user.full_name, user.role, user.scope_kind, user.work_phone = (
            spec.full_name,
            spec.role,
            spec.scope_kind,
            spec.work_phone,
        )
        if reset or user.pk is None:
            user.password = hashed
        user.is_superuser = spec.username == "admin"
        _apply_scope(user, spec, ids)
        user.save()
        users[spec.username] = user
    for spec in specs:
        user = users[spec.username]
        if spec.scope_kind == ScopeKind.GRIDS:
            user.scope_grids.set([ids["grid"][spec.scope_code]])
        elif spec.scope_kind == ScopeKind.POLICE_ZONES:
            user.scope_police_zones.set([ids["police_zone"][spec.scope_code]])
    _assign_posts(specs, users, ids)
    return len(users)


def _assign_posts(specs: list[StaffSpec], users: dict[str, User], ids: dict[str, dict[str, int]]) -> None:
    """Who works each grid, leads each village's grids and answers for each police zone."""
    grids = {g.code: g for g in Grid.objects.select_related("village")}
    leaders = {s.scope_code: users[s.username] for s in specs if s.role == "grid_leader"}
    for spec in specs:
        if spec.role == "grid_worker":
            grids[spec.scope_code].workers.set([users[spec.username]])
    for grid in grids.values():
        leader = leaders.get(grid.village.code)
        if leader is not None and grid.leader_id != leader.pk:
            grid.leader = leader
            grid.save()
    zones = {z.code: z for z in PoliceZone.objects.all()}
    for spec in specs:
        if spec.role == "officer":
            zone = zones[spec.scope_code]
            if zone.officer_id != users[spec.username].pk:
                zone.officer = users[spec.username]
                zone.save()


def load(
    spec: MapSpec, password: str, progress: Progress = lambda _m: None, with_staff: bool = True
) -> DemoSummary:
    residents = 0
    with context.acting_as_system("cli", "cli:demo"), transaction.atomic():
        progress("map")
        load_map(spec)
        progress("staff")
        if with_staff:
            rows = [(str(a.level), a.code, a.name, a.parent or "", a.police_zone or "") for a in spec.areas]
            accounts = load_staff(staff_for(rows) + OFFICE_STAFF, password)
            # The registry needs the grid workers: they register the tenants and the story's people.
            progress("registry")
            residents = load_demo_registry().residents
            progress("cases")
            load_cases()
            progress("mediation")
            load_mediation()
        else:
            # Generated maps get only the administrator, enough to log in and measure; their registry
            # (if any) is generated afterwards in batches of its own (gridgov.demo.registry).
            accounts = load_staff(OFFICE_STAFF[:1], password)
    return DemoSummary(
        Grid.objects.count(), Village.objects.count(), PoliceZone.objects.count(), accounts, residents
    )
