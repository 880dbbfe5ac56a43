"""The demo's population registry: tags, and people in every grid of the map.

`load_demo_registry` fills the Wenling demo (a few dozen residents a grid, written through the audited
querysets) and puts the people of the source where the stories need them: 林大娘 alone in 东辉社区
9幢 4单元 in 陈慧玲's grid, 唐女士 in home quarantine in 肖泉村 in 王哲's grid, both registered through
the same services a grid worker uses. `load_city_registry` generates Wenling's 1.4 million residents
over a city-scale map in batches (registry_write explains the batch audit entries).

Both are idempotent: a building already stored is skipped with everything in it, so a second run
writes nothing and an interrupted city load resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.core import context
from gridgov.demo.geometry import apportion
from gridgov.demo.registry_people import Numbers, TagPlan
from gridgov.demo.registry_plan import GridPlan, GridSite, plan_grid, sparse_quota
from gridgov.demo.registry_write import (
    Rows,
    analyze,
    check_columns,
    existing_buildings,
    rows_for,
    tune_for_bulk_load,
    write,
)
from gridgov.geo.models import Grid
from gridgov.people.identity import check_char
from gridgov.people.models import Building, Household, Resident, Tag
from gridgov.people.services import places
from gridgov.people.services.residents import find_by_document, register_resident, tag_resident
from gridgov.people.services.validation import ResidentInput

Progress = Callable[[str], None]

CITY_RESIDENTS = 1_400_000  # Wenling: about 1.2 million registered and the floating population
# Residents per transaction. The blind indexes are random, so every commit rewrites most of their pages:
# big batches keep that to a dozen rewrites (30,000 a batch wrote 12 GB for a 1.1 GB SQLite file).
CITY_BATCH = 150_000

# code, name, kind, description — what an administrator would define on day one.
TAGS = (
    ("elderly_alone", "独居老人", "care", "70岁以上独自居住，网格员定期走访"),
    ("home_quarantine", "居家隔离", "care", "居家隔离期间由网格员代购生活物资，到期自动结束"),
    ("disabled", "残疾人", "care", "持残疾人证"),
    ("minor", "未成年人", "care", "需关爱的未成年人（留守、单亲等）"),
    ("low_income", "低保户", "care", "最低生活保障对象"),
    ("key_attention", "重点关注", "key", "需重点关注的人员"),
)


def _demo_id(birth: str, sequence: str) -> str:
    body = f"331081{birth}{sequence}"
    return body + check_char(body)


@dataclass(frozen=True, slots=True)
class StoryPerson:
    name: str
    document: str
    phone: str
    village: str
    worker: str  # username of the grid worker whose grid they live in
    moved_in: dt.date


# The people of the source text (../shared/seed). The numbers match tests/people/factories.py.
LIN = StoryPerson(
    "林大娘", _demo_id("19480312", "998"), "19900009901", "东辉社区", "chenhuiling", dt.date(2003, 5, 1)
)
TANG = StoryPerson(
    "唐女士", _demo_id("19850607", "996"), "19900009902", "肖泉村", "wangzhe", dt.date(2012, 9, 1)
)
LIN_HOME = ("9幢", "4单元", "401")
TANG_ROOM = "102"


@dataclass(frozen=True, slots=True)
class RegistrySummary:
    residents: int
    households: int
    buildings: int
    seconds: float


def ensure_tags() -> dict[str, int]:
    """The demo's tags, created if missing (never changed: an administrator may have edited them)."""
    stored = dict(Tag.objects.filter(code__in=[t[0] for t in TAGS]).values_list("code", "pk"))
    for code, name, kind, description in TAGS:
        if code not in stored:
            stored[code] = Tag.objects.create(code=code, name=name, kind=kind, description=description).pk
    return stored


def grid_sites() -> list[GridSite]:
    """Every grid in code order, with the worker who registers its tenants."""
    workers = dict(Grid.objects.annotate(first=Min("workers")).values_list("pk", "first"))
    return [
        GridSite(g.pk, g.code, g.village.name, g.village.kind == "community", g.boundary, workers.get(g.pk))
        for g in Grid.objects.select_related("village").order_by("code")
    ]


def _numbers() -> Numbers:
    return Numbers(reserved=(LIN.document, TANG.document, LIN.phone, TANG.phone))


def _story_grid(person: StoryPerson) -> Grid | None:
    return Grid.objects.filter(workers__username=person.worker, village__name=person.village).first()


def _make_room_for_lin(plan: GridPlan) -> None:
    """9幢 in 陈慧玲's grid: a high-rise with at least four units, its flat 4单元 401 left for 林大娘."""
    name, unit, room = LIN_HOME
    blocks = [b for b in plan.buildings if b.units]
    block = next((b for b in plan.buildings if b.name == name), None) or (blocks[0] if blocks else None)
    if block is None:
        return
    # The block keeps its compound's address (东辉花园3幢 → 东辉花园9幢).
    block.address, block.name = block.address.removesuffix(block.name) + name, name
    block.floors = max(block.floors, 18)
    block.units = [f"{u}单元" for u in range(1, max(4, len(block.units)) + 1)]
    block.households = [h for h in block.households if (h.unit, h.room) != (unit, room)]


def _make_room_for_tang(plan: GridPlan) -> str | None:
    """The first lived-in village house of 王哲's grid, its room 102 left for 唐女士."""
    house = next((b for b in plan.buildings if b.name.endswith("号") and b.households), None)
    if house is None:
        return None
    house.households = [h for h in house.households if h.room != TANG_ROOM]
    return house.name


def _register_story(person: StoryPerson, building: str, unit: str, room: str, tag: TagPlan) -> None:
    """Through the services, with the grid worker as the actor: as the worker would register them."""
    grid = _story_grid(person)
    worker = User.objects.filter(username=person.worker).first()
    if grid is None or worker is None or find_by_document("resident_id", person.document) is not None:
        return
    target = Building.objects.get(grid=grid, name=building)
    household = places.ensure_household(worker, target, unit, room)
    resident = register_resident(
        worker,
        household,
        ResidentInput(name=person.name, document_number=person.document, phone=person.phone),
        moved_in=person.moved_in,
    )
    tag_resident(worker, resident.pk, tag.code, start=tag.start, end=tag.end, note=tag.note)


def _plan_for(plans: list[GridPlan], person: StoryPerson) -> GridPlan | None:
    grid = _story_grid(person)
    return next((p for p in plans if grid is not None and p.site.pk == grid.pk), None)


def load_demo_registry(progress: Progress = lambda _m: None, today: dt.date | None = None) -> RegistrySummary:
    """Residents for every grid of the demo map, through the audited querysets; then the story people."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    check_columns()
    tag_ids = ensure_tags()
    numbers = _numbers()
    sites = grid_sites()
    plans = [plan_grid(site, sparse_quota(site), numbers, today, dense=False) for site in sites]
    lin_plan, tang_plan = _plan_for(plans, LIN), _plan_for(plans, TANG)
    if lin_plan is not None:
        _make_room_for_lin(lin_plan)
    tang_house = _make_room_for_tang(tang_plan) if tang_plan is not None else None
    rows = rows_for(plans, existing_buildings(s.pk for s in sites), tag_ids, validate=True)
    write(rows, "audited", "gridgov demo")
    progress(f"registry: {rows.count(Resident):,} residents in {rows.count(Building):,} buildings")
    if lin_plan is not None:
        _register_story(
            LIN, *LIN_HOME, TagPlan("elderly_alone", dt.date(2019, 3, 1), note="子女在外地，每周走访")
        )
    if tang_house is not None:
        start, end = today - dt.timedelta(days=3), today + dt.timedelta(days=11)
        _register_story(
            TANG, tang_house, "", TANG_ROOM, TagPlan("home_quarantine", start, end, "居家隔离14天")
        )
    return _summary(rows, started)


def _summary(rows: Rows, started: float) -> RegistrySummary:
    return RegistrySummary(
        rows.count(Resident), rows.count(Household), rows.count(Building), time.perf_counter() - started
    )


def city_quotas(sites: Sequence[GridSite], total: int) -> list[int]:
    # Communities are denser than villages; a small jitter keeps neighbouring grids unlike.
    weights = [(1.3 if s.community else 1.0) * (0.85 + zlib.crc32(s.code.encode()) % 31 / 100) for s in sites]
    return apportion(weights, total, minimum=1)


def _batches(items: list[tuple[GridSite, int]], size: int) -> list[list[tuple[GridSite, int]]]:
    """Whole grids in code order, about `size` residents a batch."""
    batches: list[list[tuple[GridSite, int]]] = [[]]
    count = 0
    for site, quota in items:
        if count >= size:
            batches.append([])
            count = 0
        batches[-1].append((site, quota))
        count += quota
    return [b for b in batches if b]


def load_city_registry(
    total: int = CITY_RESIDENTS,
    progress: Progress = lambda _m: None,
    today: dt.date | None = None,
    batch_size: int = CITY_BATCH,
) -> RegistrySummary:
    """`total` residents over every grid, in batches of grids, each batch one transaction."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    check_columns()
    residents = households = buildings = planned = 0
    with context.acting_as_system("cli", "cli:demo"):
        with transaction.atomic():
            tag_ids = ensure_tags()
        sites = grid_sites()
        quotas = city_quotas(sites, total)
        numbers = _numbers()
        tune_for_bulk_load()
        for batch in _batches(list(zip(sites, quotas, strict=True)), batch_size):
            # Planned even when already stored: the numbers handed out depend on every grid before.
            plans = [plan_grid(site, quota, numbers, today, dense=True) for site, quota in batch]
            reason = f"gridgov demo --scale city (grids {batch[0][0].code}–{batch[-1][0].code})"
            with transaction.atomic():
                rows = rows_for(plans, existing_buildings(s.pk for s, _q in batch), tag_ids, validate=False)
                write(rows, "batch", reason)
            residents += rows.count(Resident)
            households += rows.count(Household)
            buildings += rows.count(Building)
            planned += sum(q for _s, q in batch)
            elapsed = time.perf_counter() - started
            progress(
                f"registry: {planned:,}/{total:,} residents ({residents:,} written), "
                f"{elapsed:.0f} s, {planned / elapsed:,.0f}/s"
            )
        if residents:
            progress("registry: updating the planner's statistics (ANALYZE)")
            analyze()
    return RegistrySummary(residents, households, buildings, time.perf_counter() - started)
