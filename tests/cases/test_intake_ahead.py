"""Intake in one round trip on PostgreSQL: keys drawn by the previous intake, the reference data
checked by the write itself (gridgov.cases.services.ahead, store.write's guard).

On SQLite intake takes the ORM's way and draws nothing ahead; each test says so and stops there.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.cases.models import Case, CaseEvent, Category, Notification, Reporter
from gridgov.cases.services import ahead as ahead_module
from gridgov.cases.services import store
from gridgov.cases.services.ahead import ahead
from gridgov.core import audit_chain, context
from gridgov.core.models import AuditEntry
from tests.cases import factories as f
from tests.factories import Personas

POSTGRES = connection.vendor == "postgresql"
MODELS = (Case, Reporter, CaseEvent, Notification, AuditEntry)


def _counts() -> list[int]:
    return [m.objects.count() for m in MODELS]


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith("WITH")]


def test_a_write_whose_guard_fails_stores_nothing_and_still_draws_keys(personas: Personas) -> None:
    f.categories()
    case = f.report(personas.worker).case
    if not POSTGRES:
        assert not store.available(Case) and ahead.take("default") is None
        return
    counts = _counts()
    event = CaseEvent(case=case, at=timezone.now(), actor_name="x", action="note")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {store.key_sql(CaseEvent, 1)}")
        event.pk = cursor.fetchone()[0][0]
    note = Notification(user=personas.worker, case=case, kind="note", message="x")
    written = store.write([event], [note], guard=("1 = %s", [2]), also=[store.key_sql(CaseEvent, 2)])
    assert not written.stored and written.rows == [] and _counts() == counts
    assert event._state.adding  # not saved
    assert len(written.also[0]) == 2 and min(written.also[0]) > event.pk  # new keys all the same
    written = store.write([event], [note], guard=("1 = %s", [1]), also=[store.key_sql(CaseEvent, 1)])
    assert written.stored and not event._state.adding
    assert _counts() == [counts[0], counts[1], counts[2] + 1, counts[3] + 1, counts[4] + 1]


def test_the_next_intake_uses_the_keys_the_last_one_drew_and_reads_no_stamp(personas: Personas) -> None:
    f.categories()
    ahead.clear()  # keys left by earlier tests are good too, but not the ones asked about here
    first = f.report(None).case
    drawn = ahead.take("default")
    if not POSTGRES:
        assert drawn is None
        return
    assert drawn is not None and drawn[0][0] > first.pk
    ahead.put("default", drawn)
    with CaptureQueriesContext(connection) as captured:
        second = f.report(None, reporter_phone="13812345678").case
    statements = [q["sql"] for q in captured.captured_queries]
    assert second.pk == drawn[0][0] and second.reporters.get().pk == drawn[1][0]
    assert second.events.get().pk == drawn[2][0]
    assert len(_writes(statements)) == 1 and "cases_referenceversion" in _writes(statements)[0]
    assert not any(s.startswith("SELECT (SELECT stamp") for s in statements), statements
    # Stored as fully as the first: its trail verifies once sealed.
    trail = AuditEntry.objects.filter(object_type__startswith="cases.", object_id__in=[str(second.pk)])
    assert trail.filter(object_type="cases.case").count() == 1
    assert audit_chain.seal_pending() > 0 and audit_chain.verify().ok


def test_an_intake_made_on_changed_reference_data_is_stored_once_on_the_new(personas: Personas) -> None:
    f.categories()
    f.report(None)  # the reference data is kept, and keys drawn
    # Raw SQL: no signal; the trigger renews the stamp in this transaction.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_category SET resolve_hours = 7 WHERE code = '0101'")
    counts = _counts()
    with (
        CaptureQueriesContext(connection) as captured,
        context.acting(context.ActorContext(actor_name="t", request_id="changed-ref", source="api")),
    ):
        case = f.report(personas.worker).case
    assert case.deadline - case.reported_at == dt.timedelta(hours=7)
    # One case, reporter, event and notification, and the trail of the one case: nothing of the
    # write that found the reference data changed.
    assert _counts()[:4] == [n + 1 for n in counts[:4]]
    trail = AuditEntry.objects.filter(request_id="changed-ref")
    assert sorted(trail.values_list("object_type", flat=True)) == [
        "cases.case", "cases.caseevent", "cases.reporter"
    ]  # fmt: skip
    assert {json.loads(e.changes)["after"]["id"] for e in trail if e.object_type == "cases.case"} == {case.pk}
    if not POSTGRES:
        return
    statements = [q["sql"] for q in captured.captured_queries]
    writes = _writes(statements)
    # The guarded write that stored nothing, the stamp read with new keys, the write that stored.
    assert len(writes) == 2 and writes[0].startswith("WITH guard") and not writes[1].startswith("WITH guard")
    assert sum(s.startswith("SELECT (SELECT stamp") for s in statements) == 1


def test_invalid_input_on_kept_reference_data_is_judged_again_on_the_current(personas: Personas) -> None:
    f.categories()
    f.report(None)  # the reference data is kept without the category below
    parent = Category.objects.get(code="0101").parent
    Category.objects.create(code="0199", name="新类别", parent=parent)
    case = f.report(None, category="0199").case  # the kept data knew no 0199: judged again
    assert case.category.code == "0199"


def test_keys_kept_too_long_are_dropped(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    f.categories()
    f.report(None)
    monkeypatch.setattr(ahead_module, "MAX_AGE", -1.0)  # everything kept is too old
    assert ahead.take("default") is None
    with CaptureQueriesContext(connection) as captured:
        f.report(None)
    statements = [q["sql"] for q in captured.captured_queries]
    if POSTGRES:  # the stamp is read with new keys, and the write is not guarded
        assert any(s.startswith("SELECT (SELECT stamp") and "nextval" in s for s in statements), statements
        assert [s[:10] for s in _writes(statements)] == ["WITH w0 AS"], statements
    assert Case.objects.count() == 2
