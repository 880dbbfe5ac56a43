"""The registry benchmark at toy size: it must run, find what it looks for and report every figure; never
timed here (that is `gridgov bench registry`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gridgov.bench import registry_bench, server
from gridgov.demo.registry import load_city_registry
from gridgov.geo.models import Grid
from gridgov.people.services.figures import count_by_grid, figures_by_grid
from tests.factories import Personas


def test_measure_reports_every_figure_beside_its_floor(personas: Personas) -> None:
    load_city_registry(total=400)
    report = registry_bench.measure(queries=12)
    assert report["residents"] == 400 and report["grids"] == 4 and report["database_bytes"] > 0
    assert report["exact_misses"] == 0  # every sampled number is found by the service
    for label in ("document", "phone", "name", "pinyin", "initials", "figures"):
        part = report[label]
        rounds = 4 if label == "figures" else 12  # figures: four rounds over the one sub-district
        assert part["service"]["n"] == rounds and part["raw"]["p95_ms"] > 0, label
        assert part["goal_p95_ms"] in registry_bench.GOALS_MS.values()
        assert isinstance(part["meets_goal"], bool) and part["ratio_p95"] > 0
    assert report["figures"]["naive"]["n"] == 1  # one sub-district on the small map
    past = report["figures"]["past"]
    assert past["on"] == registry_bench.past_date(timezone.localdate()).isoformat()
    assert past["service"]["n"] == 4 and isinstance(past["meets_goal"], bool)
    figures = report["figures"]
    assert figures["changed_grids_per_read"] == registry_bench.CHANGED
    assert figures["kept"]["n"] == figures["counted"]["n"] == 4
    # The benchmark's writes went through the triggers: what a read now finds equals a fresh count.
    grids = Grid.objects.all()
    assert figures_by_grid(grids) == count_by_grid(grids, timezone.localdate())


def test_the_past_date_is_the_end_of_last_month() -> None:
    assert registry_bench.past_date(dt.date(2026, 3, 31)) == dt.date(2026, 2, 28)
    assert registry_bench.past_date(dt.date(2026, 1, 1)) == dt.date(2025, 12, 31)


def test_the_command_runs_the_registry_part_only_when_asked() -> None:
    from gridgov.bench.management.commands.bench import ON_REQUEST, PARTS

    assert "registry" in ON_REQUEST and "registry" not in PARTS  # minutes: only when asked for


def test_sqlite_needs_no_database_of_its_own() -> None:
    with server.own_database(None, "import") as url:
        assert url is None
