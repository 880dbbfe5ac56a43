"""Today's figures kept per grid: every kind of write makes the next read count its grid again, and
nothing else does.

A kept row that is deliberately made wrong shows which grids a read takes from the kept rows (still
wrong) and which it counts again (right again): that is how these tests see the keeping at work.
"""

from __future__ import annotations

import datetime as dt
import threading
from io import BytesIO
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from gridgov.core import context
from gridgov.demo.registry import load_city_registry
from gridgov.geo.models import Grid
from gridgov.people.excel.importer import acting_for, import_workbook
from gridgov.people.models import GridChange, GridFigures, Household, ResidenceRegistration, Resident, Tag
from gridgov.people.services import figures_cache, privacy
from gridgov.people.services import residents as service
from gridgov.people.services.figures import count_by_grid, figures_by_grid, figures_for, refresh_kept
from tests.factories import Personas
from tests.people import factories as f
from tests.people.conftest import naive
from tests.people.test_excel_books import book, resident

TODAY = timezone.localdate()


def grids() -> list[int]:
    return list(Grid.objects.order_by("code").values_list("pk", flat=True))


def spoil(grid_id: int) -> None:
    """Make a kept row wrong without changing its mark or day: a read that trusts it shows 999."""
    GridFigures.objects.filter(grid_id=grid_id).update(households=999)


def read() -> dict[int, Any]:
    return figures_by_grid(Grid.objects.all())


def marks() -> dict[int, int]:
    return {pk: current for pk, current, *_ in figures_cache._marks_and_kept(Grid.objects.all())}


def acting(user: Any) -> Any:
    return context.acting(context.ActorContext(actor_id=user.pk, actor_name=user.username))


def test_a_read_keeps_every_grid_and_the_next_read_trusts_what_it_kept(moves: dict[str, Any]) -> None:
    assert read() == naive(TODAY)
    assert GridFigures.objects.filter(on=TODAY).count() == Grid.objects.count()
    g1 = grids()[0]
    spoil(g1)
    assert read()[g1].households == 999  # kept: no write happened in grid 1
    assert figures_for(Grid.objects.filter(pk=g1)).households == 999


@pytest.mark.parametrize(
    "write",
    [
        "register",
        "tag",
        "end_tag",
        "renew",
        "move_out",
        "move_house",
        "queryset_update",
        "raw_sql",
        "anonymise",
        "new_building",
        "import",
    ],
)
def test_each_kind_of_write_recounts_its_grids_and_only_them(
    personas: Personas, moves: dict[str, Any], write: str
) -> None:
    admin = personas.admin
    g1, g2, g3, g4 = grids()
    read()
    for pk in (g1, g2, g3, g4):
        spoil(pk)
    before = marks()
    touched = _write(write, admin, moves, g2)
    after = read()
    assert after == {**after, **{pk: naive(TODAY)[pk] for pk in touched}}
    assert {pk for pk, figures in after.items() if figures.households != 999} == touched, write
    assert all(marks()[pk] > before[pk] for pk in touched)
    # And nothing kept is stale: every grid counted now equals its kept row or was spoiled on purpose.
    fresh = count_by_grid(Grid.objects.all(), TODAY)
    assert all(after[pk] == fresh[pk] for pk in touched)


def _write(write: str, admin: Any, moves: dict[str, Any], g2: int) -> set[int]:
    lin, mover, newcomer = moves["lin"], moves["mover"], moves["newcomer"]
    g1 = lin.grid_id
    with acting(admin):
        if write == "register":
            f.register(admin, lin.household, "林小妹", f.resident_id("20010203", "994"))
            return {g1}
        if write == "tag":
            service.tag_resident(admin, mover.pk, Tag.objects.get(code="home_quarantine"), start=TODAY)
            return {g2}
        if write == "end_tag":
            service.end_tag(admin, lin.tag_links.get().pk, TODAY - dt.timedelta(days=1))
            return {g1}
        if write == "renew":
            service.renew_registration(admin, newcomer.pk, f.floating_registration(months=12, start=TODAY))
            return {g2}
        if write == "move_out":
            service.move_out(admin, lin.pk, TODAY)
            return {g1}
        if write == "move_house":
            service.move_in(admin, mover.pk, lin.household, TODAY)
            return {g1, g2}
        if write == "queryset_update":  # a bulk update: no save(), no signal
            Resident.objects.filter(pk=mover.pk).update(kind=Resident.Kind.FLOATING)
            return {g2}
        if write == "raw_sql":
            with connection.cursor() as cursor:
                table = ResidenceRegistration._meta.db_table
                cursor.execute(
                    f"UPDATE {table} SET expected_end = %s WHERE resident_id = %s", [TODAY, newcomer.pk]
                )
            return {g2}
        if write == "anonymise":
            Resident.objects.filter(pk=moves["tang"].pk).update(moved_away_on=TODAY - dt.timedelta(days=9999))
            assert privacy.anonymise_departed(retention_days=1) == 1
            return {g1}  # 唐女士's last grid (her tag goes, which she no longer counted for: still a write)
        if write == "new_building":
            f.building(admin, col=2, name="新楼")
            return {Grid.objects.order_by("code")[2].pk}
    assert write == "import"
    content = book(
        {"居民": [resident("林小妹", f.resident_id("20010203", "994"), 楼栋="东辉小区9幢", 房号="201")]}
    )
    with acting_for(admin, "cli"):
        assert import_workbook(BytesIO(content), admin, "居民.xlsx").imported
    return {g1}


def test_a_rolled_back_write_leaves_no_mark(personas: Personas, moves: dict[str, Any]) -> None:
    read()
    before = GridChange.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        Household.objects.filter(pk=moves["lin"].household_id).update(room="209")
        raise RuntimeError("rolled back")
    assert GridChange.objects.count() == before
    assert read() == naive(TODAY)


def test_a_new_day_counts_every_grid_again(moves: dict[str, Any]) -> None:
    read()
    GridFigures.objects.update(on=TODAY - dt.timedelta(days=1), households=999)
    assert read() == naive(TODAY)


def test_compaction_folds_the_changes_and_keeps_every_mark(personas: Personas, moves: dict[str, Any]) -> None:
    read()
    g1 = moves["lin"].grid_id
    for room in ("301", "302", "303"):
        f.household(personas.admin, moves["lin"].household.building, room=room)
    before = marks()
    assert GridChange.objects.filter(grid_id=g1).count() > 1
    assert figures_cache.compact() > 0
    assert marks() == before
    assert all(n == 1 for n in _rows_per_grid().values())
    read()
    spoil(g1)
    figures_cache.compact()
    assert read()[g1].households == 999  # the mark did not move: the kept row still stands


def _rows_per_grid() -> dict[int, int]:
    counts: dict[int, int] = {}
    for grid_id in GridChange.objects.values_list("grid_id", flat=True):
        counts[grid_id] = counts.get(grid_id, 0) + 1
    return counts


def test_the_worker_counts_changed_grids_before_anyone_reads_them(
    personas: Personas, moves: dict[str, Any]
) -> None:
    assert not GridFigures.objects.exists()
    assert refresh_kept() == Grid.objects.count()  # the first run: every grid
    assert refresh_kept() == 0  # nothing changed
    f.household(personas.admin, moves["lin"].household.building, room="401")
    assert refresh_kept() == 1
    spoil(moves["lin"].grid_id)
    assert read()[moves["lin"].grid_id].households == 999  # the reader found it counted


@pytest.mark.usefixtures("personas")
def test_both_ways_of_counting_tags_agree_with_the_naive_recount() -> None:
    load_city_registry(total=400)  # tags that ended, tags to come, residents gone
    grids = Grid.objects.all()
    expected = naive(TODAY)
    assert count_by_grid(grids, TODAY, few=True) == count_by_grid(grids, TODAY) == expected
    assert sum(f.tagged for f in expected.values()) > 0


def test_a_read_while_another_transaction_writes_answers_without_waiting_for_it(
    transactional_db: None, personas: Personas, moves: dict[str, Any]
) -> None:
    """An import holds SQLite's one write lock for seconds: a page reading the figures meanwhile gets
    the committed numbers at once and keeps nothing (the next read does). On PostgreSQL nobody waits.
    The read runs in a thread of its own while the lock is held; waiting for the lock it would still be
    blocked when the lock holder gives up looking (30 s of SQLite's busy timeout against 25)."""
    expected = naive(TODAY)
    household = int(moves["lin"].household_id)
    answers: list[Any] = []

    def page() -> None:
        try:
            answers.append(read())
        finally:
            connection.close()  # this thread's own connection

    other = connection.get_new_connection(connection.get_connection_params())
    try:
        if connection.vendor == "sqlite":
            other.isolation_level = None
            other.execute("BEGIN IMMEDIATE")  # as every writer's transaction begins here
        other.cursor().execute(f"UPDATE {Household._meta.db_table} SET room = room WHERE id = {household}")
        reader = threading.Thread(target=page)
        reader.start()
        reader.join(timeout=25)
        assert not reader.is_alive(), "the read waited for the other transaction's lock"
        assert answers == [expected]
        kept = GridFigures.objects.count()
        assert kept == (0 if connection.vendor == "sqlite" else Grid.objects.count())
        other.commit()
    finally:
        other.close()
    assert read() == expected
    assert all(mark == marks()[pk] for pk, mark in GridFigures.objects.values_list("grid_id", "mark"))
    assert GridFigures.objects.count() == Grid.objects.count()
