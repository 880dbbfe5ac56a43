"""Group commit of intake's writes on PostgreSQL (store.write through gridgov.core.grouped): intakes
that reach the database while another's statement is out go together in the next statement, each stored
whole with its trail, each told its own keys and duplicates; a group that fails is sent again write by
write, so a guard that does not hold or a broken constraint stays with its own write.

The first write is held at the database door by another connection's lock on the trail, so that the
others are sure to arrive while it is out. On SQLite intake takes the ORM's way; each test says so and
stops there. Real threads, each with its own connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from gridgov.cases.models import Case, CaseEvent, Notification
from gridgov.cases.services import store
from gridgov.cases.services.intake import Intake
from gridgov.core import audit_chain, context
from gridgov.core.models import AuditEntry
from tests.cases import factories as f
from tests.factories import build_personas, build_small_map

POSTGRES = connection.vendor == "postgresql"


def _wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


@contextmanager
def _trail_held() -> Iterator[threading.Event]:
    """Another connection holds a lock on the trail that every write waits for, until the event is set."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {AuditEntry._meta.db_table} IN SHARE MODE")
                held.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        yield release
    finally:
        release.set()
        holder.join(30)


def _in_threads(
    work: list[Callable[[], Any]], results: dict[int, Any], start: int = 0
) -> list[threading.Thread]:
    def run(n: int, job: Callable[[], Any]) -> None:
        try:
            results[n] = job()
        except Exception as error:
            results[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(start + n, job)) for n, job in enumerate(work)]
    for t in threads:
        t.start()
    return threads


def _at_the_door(count: int) -> Callable[[], bool]:
    return lambda: store._group.waiting("default") == count


def _first_is_out() -> bool:
    """The first write's statement is at the database, waiting for the trail's lock."""
    with connection.cursor() as cursor:
        mine = "datname = current_database()"
        cursor.execute(f"SELECT count(*) FROM pg_stat_activity WHERE {mine} AND wait_event_type = 'Lock'")
        return bool(cursor.fetchone()[0] == 1)


@pytest.mark.django_db(transaction=True)
def test_intakes_that_arrive_together_go_in_one_statement_each_seeing_only_what_came_before() -> None:
    people = build_personas(build_small_map())
    f.categories()
    earlier = f.report(people.operator, title="更早的一件").case
    if not POSTGRES:
        assert not store.available(Case)
        return
    results: dict[int, Any] = {}

    def report(n: int) -> Callable[[], Intake]:
        def log() -> Intake:
            # Each request's own actor and request id, as the middleware sets them.
            with context.acting(
                context.ActorContext(people.operator.pk, f"接线员{n}", "operator", f"r{n}", source="api")
            ):
                return f.report(people.operator, title=f"同时{n}")

        return log

    with _trail_held() as release:
        threads = _in_threads([report(0)], results)
        _wait_for(_first_is_out)  # not queued: at the database, waiting for the lock
        threads += _in_threads([report(n) for n in (1, 2, 3)], results, start=1)
        _wait_for(_at_the_door(3))
        release.set()
        for t in threads:
            t.join(30)
    intakes: list[Intake] = [results[n] for n in range(4)]
    assert all(isinstance(i, Intake) for i in intakes), results
    assert store._group.groups[-2:] == [1, 3]
    first, together = intakes[0], intakes[1:]
    # Every case stored whole: its reporter, its first event, its handler's notice, its trail.
    for n, intake in enumerate(intakes):
        case = Case.objects.get(pk=intake.case.pk)
        assert case.title == intake.case.title and not intake.case._state.adding
        assert case.reporters.count() == 1 and case.events.get().action == "report"
        assert Notification.objects.filter(case=case).count() == (1 if case.assignee_id else 0)
        trail = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
        entry = trail.get()
        assert (entry.actor_name, entry.request_id) == (f"接线员{n}", f"r{n}")
    assert len({i.case.pk for i in intakes}) == 4
    # Each saw the cases committed before its statement: the group's three not one another.
    assert [d.pk for d in first.duplicates] == [earlier.pk]
    for intake in together:
        assert [d.pk for d in intake.duplicates] == [earlier.pk, first.case.pk]
    assert audit_chain.seal_pending() > 0 and audit_chain.verify().ok


def _event_write(
    case: Case, guard: tuple[str, list[Any]] | None, case_id: int | None = None
) -> Callable[[], Any]:
    def write() -> tuple[store.Written, CaseEvent]:
        event = CaseEvent(case_id=case_id or case.pk, at=timezone.now(), actor_name="组", action="note")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {store.key_sql(CaseEvent, 1)}")
            event.pk = cursor.fetchone()[0][0]
        return store.write([event], guard=guard), event

    return write


@pytest.mark.django_db(transaction=True)
def test_a_group_that_fails_is_sent_again_write_by_write() -> None:
    people = build_personas(build_small_map())
    f.categories()
    case = f.report(people.operator).case
    if not POSTGRES:
        assert not store.available(Case)
        return
    results: dict[int, Any] = {}
    with _trail_held() as release:
        threads = _in_threads([_event_write(case, ("1 = %s", [1]))], results)
        _wait_for(_first_is_out)
        group = [
            _event_write(case, ("1 = %s", [2])),  # a guard that does not hold
            _event_write(case, None),
            _event_write(case, None, case_id=10**9),  # no such case: the foreign key fails at commit
            _event_write(case, ("1 = %s", [1])),
        ]
        threads += _in_threads(group, results, start=1)
        _wait_for(_at_the_door(4))
        release.set()
        for t in threads:
            t.join(30)
    assert store._group.groups[-2:] == [1, 4]  # then each of the four alone, on its own thread
    assert isinstance(results[3], IntegrityError)
    (w0, e0), (w1, e1), (w2, e2), (w4, e4) = results[0], results[1], results[2], results[4]
    assert w0.stored and w2.stored and w4.stored and not w1.stored
    assert not e0._state.adding and e1._state.adding
    stored = set(CaseEvent.objects.filter(action="note").values_list("pk", flat=True))
    assert stored == {e0.pk, e2.pk, e4.pk}
    notes = AuditEntry.objects.filter(
        object_type="cases.caseevent", object_id__in=[str(e.pk) for e in (e0, e1, e2, e4)]
    )
    assert sorted(int(n.object_id) for n in notes) == sorted([e0.pk, e2.pk, e4.pk])
    assert audit_chain.seal_pending() > 0 and audit_chain.verify().ok
