"""Intake's single statement on PostgreSQL stores exactly what the ORM's transaction stores.

On PostgreSQL, intake inside an audit.collect() block takes the ORM's way (the block's queued entries
must go in first), so the same report is logged both ways and the rows compared. On SQLite both are
the ORM's way and the comparisons hold trivially.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gridgov.accounts.models import ScopeKind, User
from gridgov.accounts.roles import Role
from gridgov.cases.models import (
    Case,
    CaseEvent,
    CaseItem,
    Notification,
    Reporter,
    WebhookDelivery,
    WebhookEndpoint,
)
from gridgov.cases.services import store
from gridgov.cases.services.duplicates import SUMMARY_VALUES, nearby, nearby_sql
from gridgov.cases.services.intake import Intake
from gridgov.cases.services.scope import may_view_case_in
from gridgov.core import audit, audit_chain, context, crypto
from gridgov.core.errors import Invalid
from gridgov.core.models import AuditEntry
from gridgov.core.models.insert import bulk_cursor
from tests.cases import factories as f
from tests.factories import Personas, make_user

POSTGRES = connection.vendor == "postgresql"
# What differs between two logs of one report by nature: keys, times, and what names them.
VARYING = {"id", "case_id", "reported_at", "accept_due", "respond_due", "resolve_due", "deadline", "at"}
VARYING |= {"created_at", "next_attempt_at", "phone_cipher"}


def _row(obj: Any) -> dict[str, Any]:
    return {k: v for k, v in audit.snapshot(type(obj).objects.get(pk=obj.pk)).items() if k not in VARYING}


def _stored(result: Intake, request_id: str) -> dict[str, Any]:
    case = result.case
    trail = AuditEntry.objects.filter(request_id=request_id).order_by("id")
    entries = []
    for entry in trail:
        after = json.loads(entry.changes)["after"]
        entries.append(
            (entry.action, entry.object_type, {k: v for k, v in after.items() if k not in VARYING})
        )
        assert audit.content_hash(entry) == entry.content_hash
        assert entry.object_id == str(after["id"])
    reporter = Reporter.objects.get(case=case)
    stored = {
        "case": _row(case),
        "reporter": _row(reporter),
        "phone": crypto.decrypt(reporter.phone_cipher, "cases.reporter.phone"),
        "items": [_row(i) for i in CaseItem.objects.filter(case=case).order_by("pk")],
        "events": [_row(e) for e in CaseEvent.objects.filter(case=case)],
        "notifications": [
            {k: v for k, v in n.items() if k not in VARYING}
            for n in Notification.objects.filter(case=case).values()
        ],
        "deliveries": [
            {k: v for k, v in d.items() if k not in VARYING}
            for d in WebhookDelivery.objects.values()
            if case.number in d["payload"]["markdown"]["text"]
        ],
        "trail": entries,
    }
    # The messages name the case by its number and time.
    text = json.dumps(stored, ensure_ascii=False, default=str)
    at = timezone.localtime(case.reported_at)
    text = text.replace(case.number, "<number>").replace(f"{at:%Y-%m-%d %H:%M}", "<at>")
    return dict(json.loads(text))


def _log(actor: Any, request_id: str, orm: bool) -> Intake:
    """A report with items and a phone, as one request; `orm`: inside a collect() block."""
    items = [("大米", "2", "袋"), ("食用油", Decimal("1.5"), "桶")]
    with context.acting(context.ActorContext(actor_name="t", request_id=request_id, source="api")):
        if not orm:
            return f.report(actor, reporter_name="王阿姨", reporter_phone="13812345678", items=items)
        with transaction.atomic(), audit.collect():
            return f.report(actor, reporter_name="王阿姨", reporter_phone="13812345678", items=items)


def test_one_statement_stores_what_the_orm_transaction_stores(personas: Personas) -> None:
    f.categories()
    WebhookEndpoint.objects.create(
        name="机器人", url="https://example.org/hook", format="dingtalk", kinds="reported"
    )
    fast = _log(personas.worker, "one-statement", orm=False)
    slow = _log(personas.worker, "orm-transaction", orm=True)
    fast_rows, slow_rows = _stored(fast, "one-statement"), _stored(slow, "orm-transaction")
    assert fast_rows == slow_rows
    assert [t[1] for t in fast_rows["trail"]] == [
        "cases.case", "cases.reporter", "cases.caseitem", "cases.caseitem", "cases.caseevent"
    ]  # fmt: skip
    assert len(fast_rows["notifications"]) == 1 and len(fast_rows["deliveries"]) == 1
    # The answer in memory is the case as stored; the second log finds the first as a duplicate.
    assert audit.snapshot(fast.case) == audit.snapshot(Case.objects.get(pk=fast.case.pk))
    assert [d.pk for d in slow.duplicates] == [fast.case.pk] and fast.visible and slow.visible
    assert audit_chain.seal_pending() > 0 and audit_chain.verify().ok


def test_a_later_save_of_the_stored_case_records_only_its_change(personas: Personas) -> None:
    f.categories()
    case = f.report(personas.worker).case
    case.title = "改过的标题"
    case.save()
    entry = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk)).order_by("id").last()
    assert entry is not None and entry.action == "update"
    assert json.loads(entry.changes) == {
        "before": {"title": "帮忙把自行车搬到楼上"},
        "after": {"title": "改过的标题"},
    }


def test_bad_input_stores_nothing(personas: Personas) -> None:
    f.categories()
    counts = [m.objects.count() for m in (Case, Reporter, CaseEvent, Notification, AuditEntry)]
    with pytest.raises(Invalid):
        f.report(personas.worker, category="9999", reporter_phone="12")
    assert [m.objects.count() for m in (Case, Reporter, CaseEvent, Notification, AuditEntry)] == counts


@pytest.mark.django_db(transaction=True)
def test_an_intake_failing_at_its_write_leaves_nothing_behind(personas: Personas) -> None:
    f.categories()
    f.report(personas.worker)
    counts = [m.objects.count() for m in (Case, Reporter, CaseEvent, Notification, AuditEntry)]
    # An account deleted while its request was under way: its keys on the reporter and the event
    # point nowhere, which the database finds when the write ends.
    ghost = make_user("ghost", Role.OPERATOR, ScopeKind.ALL)
    User.objects.filter(pk=ghost.pk).delete()
    counts[-1] = AuditEntry.objects.count()  # the account's own creation and deletion
    with pytest.raises(IntegrityError):
        f.report(ghost)
    assert [m.objects.count() for m in (Case, Reporter, CaseEvent, Notification, AuditEntry)] == counts


@pytest.mark.django_db(transaction=True)
def test_a_failing_statement_leaves_nothing_behind(personas: Personas) -> None:
    f.categories()
    case = f.report(personas.worker).case
    if not POSTGRES:
        assert not store.available(Case)  # SQLite stores through the ORM, tested above
        return
    counts = [m.objects.count() for m in (Case, Reporter, CaseEvent, Notification, AuditEntry)]
    # The same keys again: the case's INSERT fails, and with it the rows and entries before and after.
    again = Case.objects.get(pk=case.pk)
    again._state.adding = True
    event = CaseEvent(pk=None, case=again, at=timezone.now(), actor_name="x", action="report")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {store.key_sql(CaseEvent, 1)}")
        event.pk = cursor.fetchone()[0][0]
    note = Notification(user=personas.worker, case=again, kind="reported", message="x")
    with pytest.raises(IntegrityError):
        store.write([event, again], [note])
    assert [m.objects.count() for m in (Case, Reporter, CaseEvent, Notification, AuditEntry)] == counts
    # A key that points nowhere fails at the statement's end (deferred checks): nothing stays either.
    orphan = CaseEvent(pk=event.pk, case_id=case.pk + 10_000, at=timezone.now(), actor_name="x", action="x")
    with pytest.raises(IntegrityError):
        store.write([orphan])
    assert [m.objects.count() for m in (Case, Reporter, CaseEvent, Notification, AuditEntry)] == counts


def test_inside_a_collect_block_the_orm_way_is_taken(db: Any) -> None:
    with transaction.atomic(), audit.collect():
        assert not store.available(Case)
    assert store.available(Case) == POSTGRES


def test_the_compiled_duplicates_query_reads_what_the_queryset_reads(personas: Personas) -> None:
    f.categories()
    first = f.report(None).case
    f.report(None, point=(first.lng + 0.0005, first.lat))
    f.report(None, category="0201")
    at = timezone.now() + dt.timedelta(seconds=1)
    compiled = nearby_sql(first.category_id, first.lng, first.lat, at, "default")
    if POSTGRES:
        assert compiled is not None
    if compiled is None:
        return  # this database converts what it returns: intake asks the queryset
    with bulk_cursor(connection) as cursor:
        cursor.execute(*compiled, binary=True)  # as store.write() reads it
        rows = cursor.fetchall()
    expected = list(nearby(first.category_id, first.lng, first.lat, at).values_list(*SUMMARY_VALUES))
    assert rows == expected and len(rows) == 2


def test_may_view_answers_as_the_restricted_queryset_for_every_scope(
    personas: Personas, small_map: Any
) -> None:
    f.categories()
    cases = [f.report(None, point=(121.365 + 0.01 * n, 28.365)).case for n in range(4)]
    assert [c.grid_id for c in cases] == [g.pk for g in small_map.grids]
    for user in vars(personas).values():
        user = User.objects.get(pk=user.pk)  # as a request loads it
        for case in cases:
            answer = may_view_case_in(user, case.grid)
            assert answer is not None, (user, case.grid)  # every scope of gridgov is read in Python
            assert answer == Case.objects.restrict(user, "view").filter(pk=case.pk).exists(), (
                user,
                case.grid,
            )


def test_related_keys_are_checked_and_copied_as_save_does(personas: Personas) -> None:
    """store's own check of related objects answers as Model._prepare_related_fields_for_save: the
    same error for an unsaved one, the same key copied, the same cache dropped, on twin objects."""
    f.categories()
    case = f.report(personas.worker).case
    other = f.report(personas.worker, reporter_phone="13812345678").case

    def twins(make: Any) -> list[Reporter]:
        return [make(), make()]

    def ours_and_djangos(pair: list[Reporter]) -> list[Any]:
        outcome: list[Any] = []
        for obj, check in zip(pair, (store._related_ready, _djangos), strict=True):
            try:
                check(obj)
                outcome.append((obj.case_id, "case" in obj._state.fields_cache))
            except ValueError as error:
                outcome.append(str(error))
        return outcome

    # Held and saved, key in place: nothing to do.
    assert ours_and_djangos(twins(lambda: Reporter(case=case))) == [(case.pk, True)] * 2
    # The related object's key changed after it was assigned: the cached object is dropped.
    moved = twins(lambda: Reporter(case=Case.objects.get(pk=case.pk)))
    for obj in moved:
        obj._state.fields_cache["case"].pk = other.pk
    assert ours_and_djangos(moved) == [(case.pk, False)] * 2
    # Assigned unsaved, saved since: its key is copied in.
    late = [Case(title="x"), Case(title="y")]
    pair = [Reporter(case=late[0]), Reporter(case=late[1])]
    late[0].pk = late[1].pk = case.pk
    assert ours_and_djangos(pair) == [(case.pk, True)] * 2
    # Still unsaved: Django's own error.
    unsaved = ours_and_djangos([Reporter(case=Case(title="z")), Reporter(case=Case(title="z"))])
    assert unsaved[0] == unsaved[1] and "unsaved related object 'case'" in unsaved[0]


def _djangos(obj: Any) -> None:
    obj._prepare_related_fields_for_save(operation_name="save")


def test_a_case_number_is_the_local_date_of_its_report_and_its_key(settings: Any) -> None:
    from gridgov.cases.models.case import case_number

    settings.TIME_ZONE = "Asia/Shanghai"
    for at, pk in [
        (dt.datetime(2026, 11, 29, 14, 28, tzinfo=dt.UTC), 56256),
        (dt.datetime(2027, 1, 1, 0, 0, tzinfo=dt.UTC), 1),
        (dt.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC), 1_234_567),
    ]:
        assert case_number(at, pk) == f"{timezone.localtime(at):%Y%m%d}-{pk:06d}"
    # 07:30 on 30 November in Wenling is still the 29th in UTC: the number is the 30th's.
    assert case_number(dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC), 42) == "20261130-000042"
    assert case_number(dt.datetime(2026, 11, 29, 15, 59, tzinfo=dt.UTC), 42) == "20261129-000042"
