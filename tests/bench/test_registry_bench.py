"""The registry benchmark at toy size: it must run, find what it looks for and report every figure; never
timed here (that is `gridgov bench registry`)."""

from __future__ import annotations

from typing import Any

from gridgov.bench import registry_bench
from gridgov.demo.registry import load_city_registry
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


def test_the_runner_and_the_command_know_the_registry_part(monkeypatch: Any) -> None:
    from gridgov.bench import runner
    from gridgov.bench.management.commands.bench import ON_REQUEST, PARTS

    assert "registry" in ON_REQUEST and "registry" not in PARTS  # minutes: only when asked for
    calls: list[tuple[Any, ...]] = []

    def fake(*args: Any) -> dict[str, int]:
        calls.append(args)
        return {"ok": 1}

    monkeypatch.setattr(registry_bench, "bench_registry", fake)
    report = runner.run(["registry"], None, 0, 0, lambda _m: None, queries=5, import_rows=10)
    assert report["registry"] == {"ok": 1} and calls[0][3:] == (5, 10)


def test_sqlite_needs_no_database_of_its_own() -> None:
    with registry_bench._own_database(None, "import") as url:
        assert url is None
