"""Intake's per-process reference cache, its statement budget, and its answer without re-reading."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.accounts.models import ApiToken, ScopeKind, User
from gridgov.accounts.roles import Role
from gridgov.cases.api.rows import case_row, summary_row
from gridgov.cases.models import Case, Category, Notification, ReferenceVersion, TriageRule
from gridgov.cases.models.categories import HandlerKind
from gridgov.cases.services.reference import References, references
from gridgov.cases.services.routing import command_operator, grid_handler, holder
from gridgov.core.models.audit import AuditEntry
from gridgov.geo.models import Grid
from tests.cases import factories as f
from tests.factories import Personas, make_user


def _stamp() -> int | None:
    return ReferenceVersion.objects.filter(pk=1).values_list("stamp", flat=True).first()


def test_an_edit_of_reference_data_reaches_the_very_next_intake(personas: Personas) -> None:
    f.categories()
    assert f.report(None).case.assignee == personas.worker  # the cache is built now
    # A bulk update (no save(), no signal) of the worker's account: the trigger still sees it.
    User.objects.filter(pk=personas.worker.pk).update(is_active=False)
    case = f.report(None).case
    grid = Grid.objects.get(pk=case.grid_id)
    assert case.assignee is not None and case.assignee != personas.worker
    assert case.assignee == holder(grid, HandlerKind.GRID, 0)
    # Raw SQL on a category: the next case gets the new allowance.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_category SET resolve_hours = 7 WHERE code = '0101'")
    case = f.report(None).case
    assert case.deadline - case.reported_at == dt.timedelta(hours=7)
    # A new triage rule applies at once.
    TriageRule.objects.create(name="测试规则", keywords="测试暗号", police=True, handler=HandlerKind.POLICE)
    case = f.report(None, title="测试暗号 楼下").case
    assert case.police and case.handler == HandlerKind.POLICE and case.assignee == personas.officer
    # An inactive category is unknown again.
    Category.objects.filter(code="0101").update(active=False)
    assert "0101" not in references.get().categories


def test_a_log_in_does_not_renew_the_stamp(personas: Personas) -> None:
    f.categories()
    references.get()
    before = _stamp()
    assert before is not None
    User.objects.filter(pk=personas.worker.pk).update(last_login=timezone.now())
    assert _stamp() == before
    User.objects.filter(pk=personas.worker.pk).update(full_name="陈慧玲二")
    assert _stamp() != before


def test_intake_stays_within_its_statement_budget(personas: Personas) -> None:
    f.categories()
    first = f.report(None).case  # the cache and the map index are built
    with CaptureQueriesContext(connection) as captured:
        result = f.report(personas.worker)
    statements = [q["sql"] for q in captured.captured_queries]
    case = result.case
    written = {
        ("cases.case", case.pk),
        ("cases.reporter", case.reporters.get().pk),
        ("cases.caseevent", case.events.get().pk),
    }
    trail = AuditEntry.objects.filter(action="create", object_type__startswith="cases.")
    assert {(t, int(i)) for t, i in trail.values_list("object_type", "object_id")} >= written
    assert result.visible and [d.pk for d in result.duplicates] == [first.pk]
    if connection.vendor == "postgresql":
        # The map's version (when its check interval has passed); the grids of a grid worker's scope
        # (accounts reads them once per user instance); the rows, their trail and the duplicates in
        # one statement, which checks the reference stamp itself and draws the next intake's keys
        # (the first intake drew this one's): no stamp read, no transaction, no INSERT of its own, no
        # visibility query (read from the cached grid).
        assert len(statements) <= 3, statements
        writes = [s for s in statements if "INSERT" in s]
        assert len(writes) == 1 and writes[0].startswith("WITH"), statements
        others = [s for s in statements if s not in writes]
        assert not any(s.startswith("SAVEPOINT") or "cases_referencever" in s for s in others), statements
        assert "nextval" in writes[0] and "cases_referenceversion" in writes[0]
        assert all(f'INSERT INTO "{t}"' in writes[0] for t in ("cases_case", "core_auditentry"))
        assert Notification.objects.filter(case=case, user=personas.worker).count() == 1
        return
    # The stamp (and the map's version, when its check interval has passed); the transaction (a
    # savepoint inside the test's own, the only one: the audited inserts take none); the rows of the
    # case, reporter, first event and notification; their audit entries in one INSERT at the end; the
    # grids of a grid worker's scope (accounts reads them once per user instance); the duplicates
    # with the case's visibility.
    trail_writes = [s for s in statements if "core_auditentry" in s]
    assert len(trail_writes) <= 1 and all(s.startswith("INSERT INTO") for s in trail_writes), statements
    assert len(statements) - len(trail_writes) <= 10, statements
    assert sum(s.startswith("SAVEPOINT") for s in statements) == 1, statements
    rows = [s for s in statements if s.startswith("INSERT INTO") and "core_auditentry" not in s]
    assert len(rows) == 4, statements  # case, reporter, first event, notification
    assert sum(s.startswith("SELECT") for s in statements) <= 4, statements


def test_the_answer_is_the_case_as_stored_with_its_duplicates_offered(personas: Personas) -> None:
    f.categories()
    token = ApiToken.issue(personas.worker, "test")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"category": "0101", "title": "帮忙搬自行车", "lng": 121.365, "lat": 28.365}
    answers: list[Any] = []
    for lng in (121.365, 121.366):  # the second about 98 m east of the first
        reply = client.post(
            "/api/v1/cases", json.dumps({**body, "lng": lng}), content_type="application/json"
        )
        assert reply.status_code == 201, reply.content
        answers.append(reply.json())
    first, second = answers
    stored = Case.objects.select_related("category", "grid", "assignee")
    assert first["duplicates"] == [] and {k: v for k, v in first.items() if k != "duplicates"} == json.loads(
        json.dumps(case_row(stored.get(pk=first["id"])))
    )

    def offered(case_id: int, metres: int) -> dict[str, Any]:
        case = stored.get(pk=case_id)
        at = case.reported_at.isoformat()
        return {"id": case.pk, "number": case.number, "title": case.title, "state": case.state,
                "reported_at": at, "metres": metres}  # fmt: skip

    assert second["duplicates"] == [offered(first["id"], 98)]
    result = f.report(personas.worker, title="帮忙搬自行车", point=(121.3655, 28.365))
    assert [summary_row(s) for s in result.duplicates] == [
        offered(first["id"], 49),
        offered(second["id"], 49),
    ]


def test_an_account_that_may_log_but_not_see_the_case_gets_404(personas: Personas) -> None:
    f.categories()
    token = ApiToken.issue(personas.outsider, "test")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"category": "0101", "title": "帮忙搬自行车", "lng": 121.365, "lat": 28.365}
    reply = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert reply.status_code == 404 and Case.objects.filter(title="帮忙搬自行车").count() == 1


def test_a_sub_district_read_at_once_routes_as_each_grid_asked_alone(
    personas: Personas, small_map: Any
) -> None:
    """The cache reads a sub-district's grids and who is on duty in them at once; each grid's answer
    is what routing asks of the database for that grid alone, in each case of who is on duty."""
    grids = small_map.grids
    second = make_user("second", Role.GRID_WORKER, ScopeKind.GRIDS, grids=[grids[0], grids[2]])
    grids[0].workers.add(second, personas.worker)
    grids[1].workers.add(personas.other_worker)
    grids[2].workers.add(second)
    grids[3].leader = personas.cadre  # a grid with a leader and no worker
    grids[3].save()

    def compare() -> list[Any]:
        refs = References(0, {}, [], [])
        answers = []
        for grid in Grid.objects.filter(pk__in=[g.pk for g in grids]).order_by("pk"):
            cached, worker, operator = refs._grid(grid.pk)
            assert cached.pk == grid.pk and cached.village == grid.village
            assert (worker, operator) == (grid_handler(grid), command_operator(grid)), grid
            answers.append(worker)
        return answers

    assert compare() == [personas.worker, personas.other_worker, second, personas.cadre]
    User.objects.filter(pk=personas.worker.pk).update(is_active=False)  # off duty: the next one
    User.objects.filter(pk=personas.cadre.pk).update(is_active=False)  # and no one in grid 4
    assert compare() == [second, personas.other_worker, second, None]
    User.objects.filter(pk=personas.operator.pk).update(is_active=False)
    assert compare()[0] == second
    with pytest.raises(Grid.DoesNotExist):
        References(0, {}, [], []).grid(grids[-1].pk + 1000)
