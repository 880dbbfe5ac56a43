"""Figures for assessment: the rollup agrees exactly with GROUP BY over the cases, whatever happened to
them; the rates follow docs/figures.md; the API, the page and the export show them within scope."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from gridgov.cases.figures import definitions as d
from gridgov.cases.figures import query, rollup
from gridgov.cases.figures.query import LEVELS, Selection
from gridgov.cases.models import Case, CaseEvent, Escalation
from gridgov.cases.models.rollups import RollupDay, RollupDirty
from gridgov.cases.services.escalation import escalate_one
from gridgov.cases.services.rating import issue_link, rate
from gridgov.cases.services.transitions import Action, act
from gridgov.core.errors import ApiError
from gridgov.geo.models import Grid
from tests.cases import factories as f
from tests.factories import Personas, SmallMap

POINTS = [(121.365, 28.365), (121.375, 28.365), (121.385, 28.365), (121.395, 28.365)]
CATEGORIES = ["0101", "0201", "0302", "0601", "0401", "0102"]  # grid, grid, dept, police, dept, grid
EARLY = ["reported_at", "accept_due", "respond_due", "resolve_due", "deadline"]


@pytest.fixture
def setup(personas: Personas, small_map: SmallMap) -> Personas:
    f.categories()
    small_map.grids[0].leader = personas.cadre
    small_map.grids[0].save()
    return personas


def step(case: Case, name: str, actor: Any, note: str = "n") -> Case:
    return act(actor, case.pk, Action(name, Case.objects.get(pk=case.pk).version, note))


def walk(rng: random.Random, case: Case, p: Personas) -> None:
    """A random life: some cases stop early, escalate, go back for rework, merge or are cancelled."""
    op = p.operator
    try:
        if rng.random() < 0.25:
            escalate_one(case.pk, timezone.now() + dt.timedelta(minutes=rng.choice([20, 40, 200])))
        if rng.random() < 0.08:
            step(case, "cancel", op)
            return
        for name in ("accept", "dispatch", "start", "resolve")[: rng.choice([0, 1, 2, 3, 4, 4, 4, 4])]:
            case = step(case, name, op)
        while case.state == "resolved" and rng.random() < 0.3:
            case = step(case, "rework", op)
            case = step(step(case, "start", op), "resolve", op)
        if case.state == "resolved" and rng.random() < 0.8:
            rate(issue_link(op, case.pk), rng.randint(1, 5), "", solved=rng.random() < 0.9)
    except ApiError:
        pass  # a random step the state machine refuses is fine: nothing changed


def shift(rng: random.Random, case_id: int) -> None:
    """Spread a case's life over past days: reported up to two days before it was closed."""
    days = dt.timedelta(days=rng.randint(0, 9), minutes=rng.randint(0, 1439))
    lead = dt.timedelta(minutes=rng.randint(0, 2880))
    moves = {s: F(s) - days - lead for s in EARLY} | {"closed_at": F("closed_at") - days}
    moves |= {s: F(s) - days - lead * rng.random() for s in ("accepted_at", "dispatched_at", "resolved_at")}
    moves["accept_due"] = F("accept_due") - days - lead * rng.choice([0, 1])  # on time or late
    Case.objects.filter(pk=case_id).update(**moves)
    CaseEvent.objects.filter(case_id=case_id).update(at=F("at") - days)
    Escalation.objects.filter(case_id=case_id).update(at=F("at") - days - lead)
    moved = dt.timedelta(hours=rng.randint(-30, 30))
    Case.objects.filter(pk=case_id).update(deadline=F("deadline") + moved, deferred=rng.random() < 0.1)


def periods() -> list[tuple[dt.date, dt.date]]:
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    return [(today - 12 * day, today + 3 * day), (today - 5 * day, today - 2 * day), (today, today + day)]


def assert_agree(grids: Any) -> None:
    for start, end in periods():
        for assignee in (None, *Case.objects.values_list("assignee_id", flat=True).distinct()[:2]):
            selection = Selection(grids, start, end, assignee)
            for level in LEVELS:
                fast = {k: (v.counts, v.handling) for k, v in query.figures(selection, level).items()}
                slow = {k: (v.counts, v.handling) for k, v in query.naive_figures(selection, level).items()}
                assert fast == slow, (level, start, end, assignee)
            trend = {k: (v.counts, v.handling) for k, v in query.trend(selection).items()}
            assert trend == {k: (v.counts, v.handling) for k, v in query.naive_trend(selection).items()}
            both = query.figures_and_trend(selection, "village")
            assert {k: (v.counts, v.handling) for k, v in both[1].items()} == trend
            assert both[0].keys() == query.figures(selection, "village").keys()


def test_the_rollup_agrees_with_group_by_over_the_cases(setup: Personas) -> None:
    rng = random.Random(10)
    p = setup
    cases = []
    for n in range(36):
        case = f.report(p.operator, category=CATEGORIES[n % 6], title=f"事件{n}", point=POINTS[n % 4]).case
        walk(rng, case, p)
        shift(rng, case.pk)
        cases.append(case)
    rollup.refresh_all()
    assert not RollupDirty.objects.exists()
    grids = Grid.objects.all()
    assert_agree(grids)
    # More happens: open cases move on, some are reassigned or deleted; a refresh catches up exactly.
    for case in cases[:18]:
        walk(rng, Case.objects.get(pk=case.pk), p)
        if rng.random() < 0.3:
            shift(rng, case.pk)
    Case.objects.filter(pk=cases[20].pk).update(assignee=p.other_worker)
    Case.objects.filter(pk=cases[21].pk).delete()
    rollup.refresh(limit=7)  # a partial batch, then the rest
    rollup.refresh_all()
    rollup.refresh_all()  # a second run changes nothing
    assert_agree(grids)
    before = sorted(RollupDay.objects.values_list("day", "grid_id", "assignee_id", "reported", "closed"))
    rollup.rebuild()
    assert (
        sorted(RollupDay.objects.values_list("day", "grid_id", "assignee_id", "reported", "closed")) == before
    )
    assert_agree(grids)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=d.local_tz())


@pytest.fixture
def four_cases(setup: Personas) -> dt.date:
    """Four cases of known history in the three days from D (docs/figures.md works them through)."""
    p, day = setup, timezone.localdate() - dt.timedelta(days=3)
    a, b, c = (f.report(p.operator, title=t).case for t in ("甲", "乙", "丙"))
    e = f.report(p.operator, title="丁", point=POINTS[1]).case
    for case in (a, b):
        for name in ("accept", "dispatch", "start", "resolve"):
            case = step(case, name, p.worker)
    rate(issue_link(p.worker, a.pk), 5, "", solved=True)
    b = rate(issue_link(p.worker, b.pk), 2, "", solved=False)  # rework, then done and rated 3
    b = step(step(b, "start", p.worker), "resolve", p.worker)
    rate(issue_link(p.worker, b.pk), 3, "", solved=True)
    step(c, "accept", p.worker)
    times = {
        a: dict(reported_at=at(day, 9), accept_due=at(day, 9, 30), accepted_at=at(day, 9, 10)),
        b: dict(reported_at=at(day, 10), accept_due=at(day, 10, 30), accepted_at=at(day, 11)),
        c: dict(reported_at=at(day, 8), accept_due=at(day, 8, 30), accepted_at=at(day, 8, 5)),
        e: dict(reported_at=at(day, 8), accept_due=at(day, 8, 30)),
    }
    ends = {a: at(day, 15), b: at(day + dt.timedelta(days=2), 12), c: None, e: None}
    for case, stamps in times.items():
        deadline = stamps["reported_at"] + dt.timedelta(days=1)
        closed = ends[case]
        Case.objects.filter(pk=case.pk).update(
            **stamps, deadline=deadline, closed_at=closed, dispatched_at=closed, deferred=case == c
        )
    rollup.refresh_all()
    return day


def test_rates_follow_the_documented_formulas(four_cases: dt.date, setup: Personas, client_for: Any) -> None:
    start, end = four_cases, timezone.localdate() + dt.timedelta(days=1)
    body = client_for(setup.operator).get(f"/api/v1/assessment?start={start}&end={end}").json()
    t = body["total"]
    assert (t["reported"], t["accepted"], t["accepted_in_time"], t["closed"], t["closed_in_time"]) == (
        4,
        3,
        2,
        2,
        1,
    )
    assert (t["due"], t["deferred"], t["due_closed"], t["due_closed_in_time"]) == (4, 1, 2, 1)
    assert (t["reworked"], t["rework_events"], t["rated"], t["rating_sum"], t["satisfied"]) == (1, 1, 2, 8, 1)
    assert t["on_time_closure_rate"] == round(1 / 3, 4) and t["closure_rate"] == round(2 / 3, 4)
    assert (t["rework_rate"], t["timely_acceptance_rate"]) == (0.5, round(2 / 3, 4))
    assert (t["avg_handling_hours"], t["avg_rating"], t["satisfied_share"]) == (28.0, 4.0, 0.5)
    assert (t["in_grid_share"], t["in_village_share"]) == (1.0, 1.0)
    assert [(r["code"], r["reported"]) for r in body["rows"]] == [
        ("331081001001001", 3),
        ("331081001001002", 1),
    ]
    assert body["pending"] == 0 and body["as_of"] and len(body["trend"]) == (end - start).days


def test_each_account_sees_its_own_figures_within_scope(
    four_cases: dt.date, setup: Personas, client_for: Any, small_map: SmallMap
) -> None:
    p, start = setup, four_cases

    def rows(user: Any, query_string: str, status: int = 200) -> Any:
        reply = client_for(user).get(f"/api/v1/assessment?start={start}&{query_string}")
        assert reply.status_code == status, reply.content
        return reply.json().get("rows") if status == 200 else reply.json()["error"]["code"]

    assert [r["code"] for r in rows(p.worker, "level=assignee")] == ["chenhuiling"]  # not the others
    assert [r["code"] for r in rows(p.worker, "level=grid")] == ["331081001001001"]
    assert [r["name"] for r in rows(p.operator, "level=assignee")] == ["陈慧玲", "翁迪"]
    assert [r["code"] for r in rows(p.operator, "level=village&code=331081001001")] == ["331081001001"]
    assert [r["code"] for r in rows(p.operator, "level=police_zone")] == ["331081001J01", "331081001J02"]
    assert rows(p.outsider, "level=grid") == []
    assert rows(p.worker, "code=331081001001002", 404) == "not_found"  # a grid outside his scope
    assert rows(p.worker, "end=2000-01-01", 400) == "invalid"
    assert rows(p.worker, "level=street", 400) == "invalid"
    p.outsider.role = "integration"
    p.outsider.save()
    assert rows(p.outsider, "level=grid", 403) == "forbidden"


def test_the_page_and_the_workbook_show_the_api_numbers(
    four_cases: dt.date, setup: Personas, client_for: Any
) -> None:
    client = client_for(setup.operator)
    wanted = f"level=grid&start={four_cases}"
    api = client.get(f"/api/v1/assessment?{wanted}").json()
    page = client.get(f"/assessment/?{wanted}")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert 'id="chart-rates"' in html and 'id="assessment-charts"' in html and "东辉社区第1网格" in html
    for path in (f"/assessment/export.xlsx?{wanted}", f"/api/v1/assessment/export?{wanted}"):
        reply = client.get(path)
        assert reply["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(reply.content)).worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        header = list(values[0])
        first = dict(zip(header, values[1], strict=True))
        assert first[header[0]] == api["rows"][0]["code"] and first[header[2]] == api["rows"][0]["reported"]
        assert values[-1][2] == api["total"]["reported"] == 4  # the last row is the total
    assert client.get("/assessment/?start=2030-01-01&end=2020-01-01").status_code == 200  # form error


def test_the_worker_keeps_the_rollup() -> None:
    from gridgov.core.periodic import JOBS

    assert any(job.name == "figures-rollup" for job in JOBS)
