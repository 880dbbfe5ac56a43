"""The dispute figures benchmark at toy sizes: it must build, agree with its baseline and run end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gridgov.bench.mediation_bench import TARGET, bench_mediation, build, measure
from gridgov.mediation.figures import report
from gridgov.mediation.models import Dispute


def test_the_scratch_data_is_what_was_asked_for(db: Any) -> None:
    asked = build(500, seed=3)
    assert Dispute.objects.count() == 500 + 100 + 100
    mine = Dispute.objects.filter(case__village__sub_district__code=TARGET, happened_on__gte=asked["start"])
    assert mine.filter(happened_on__lt=asked["end"]).count() == 500
    figures = report(asked["user"], "sub_district", TARGET, asked["start"], asked["end"]).total
    assert figures.found == 500 and 0 < figures.resolved < figures.ended < 500
    assert (
        figures.agreements_performed > 0 and figures.police_referrals > 0 and figures.ran_more_than_once > 0
    )
    assert all(
        figures.by_tier[outcome][tier] > 0 for outcome in ("resolved", "agreement") for tier in range(3)
    )


def test_the_figures_agree_with_the_naive_recount(db: Any) -> None:
    result = measure(build(300, seed=4), repeats=3, baseline_repeats=1)
    assert result["agree"] and result["disputes"] == 300
    assert result["figures"]["runs"] == 3 and result["figures"]["p95_ms"] >= result["figures"]["p50_ms"] > 0


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_runs_end_to_end_on_a_scratch_database(tmp_path: Path) -> None:
    said: list[str] = []
    result = bench_mediation(said.append, tmp_path, None, disputes=200, repeats=2)
    assert result["agree"] and result["disputes"] == 200 and result["database"] == "sqlite"
    assert "p95" in said[0] and "naive" in said[0]
