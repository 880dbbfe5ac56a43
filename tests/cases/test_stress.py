"""Concurrent transitions (bounded, one connection per thread): several people act on the same few
cases at once with random actions, valid and not, and stale versions. Afterwards no update is lost,
no case left the state machine, every timeline is complete, the audit chain verifies, and the
figures the worker kept meanwhile agree with the cases. Runs on whichever database the suite uses."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections import defaultdict

import pytest
from django.db import connections
from django.utils import timezone

from gridgov.cases import workflow
from gridgov.cases.figures import query, rollup
from gridgov.cases.figures.query import LEVELS, Selection
from gridgov.cases.models import Case, CaseEvent
from gridgov.cases.services.transitions import Action, act
from gridgov.core import audit_chain
from gridgov.core.errors import ApiError, Invalid, NotInScope
from gridgov.geo.models import Grid
from tests.cases import factories as f
from tests.factories import build_personas, build_small_map

THREADS, ACTIONS_EACH, SECONDS = 6, 50, 60.0
# Mostly the loop's own steps, so cases travel far; final ones (close, merge, cancel) rarely.
WEIGHTS = {
    "accept": 6,
    "dispatch": 6,
    "start": 6,
    "resolve": 6,
    "verify": 4,
    "rework": 4,
    "escalate": 3,
    "close": 1,
    "merge": 1,
    "cancel": 1,
    "unknown": 1,
}


def legal(action: str, before: str, after: str) -> bool:
    if action == "report":
        return before == "" and after == "reported"
    transition = workflow.TRANSITIONS.get(action)
    return transition is not None and before in transition.sources and after == transition.target


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_lose_nothing_and_stay_in_the_state_machine() -> None:
    small = build_small_map()
    people = build_personas(small)
    f.categories()
    cases = [f.report(people.operator, title=f"并发{n}").case.pk for n in range(4)]
    actors = [people.operator, people.operator, people.worker, people.other_worker]
    won: dict[int, list[tuple[int, str]]] = defaultdict(list)  # case → (version acted on, action)
    refused: dict[str, int] = defaultdict(int)
    errors: list[BaseException] = []
    lock, stop = threading.Lock(), threading.Event()
    deadline = time.monotonic() + SECONDS

    def person(n: int) -> None:
        rng = random.Random(n)
        try:
            for _ in range(ACTIONS_EACH):
                if time.monotonic() > deadline:
                    break
                case_id = rng.choice(cases)
                state, version = Case.objects.values_list("state", "version").get(pk=case_id)
                if rng.random() < 0.3:
                    version = max(1, version - rng.randint(1, 2))  # acting on an old page
                name = rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]
                offered = [t.name for t in workflow.available(state, "operator", False)]
                if offered and rng.random() < 0.6:  # mostly what the page offers, as people do
                    name = rng.choices(offered, [WEIGHTS[n] for n in offered])[0]
                action = Action(name, version, "并发测试", into_id=rng.choice(cases))
                try:
                    act(rng.choice(actors), case_id, action)
                except (ApiError, Invalid, NotInScope) as refusal:
                    with lock:
                        refused[getattr(refusal, "code", type(refusal).__name__)] += 1
                    continue
                with lock:
                    won[case_id].append((version, name))
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    def worker() -> None:
        try:
            while not stop.is_set():
                rollup.refresh_all()
                audit_chain.seal_pending()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    background = threading.Thread(target=worker)
    people_threads = [threading.Thread(target=person, args=(n,)) for n in range(THREADS)]
    for thread in [background, *people_threads]:
        thread.start()
    for thread in people_threads:
        thread.join(timeout=SECONDS + 120)
    stop.set()
    background.join(timeout=120)
    assert not errors, errors
    assert sum(len(w) for w in won.values()) >= 10 and refused["conflict"] > 0, (won, refused)

    for case in Case.objects.filter(pk__in=cases):
        wins = sorted(won[case.pk])
        # No lost update: every version was won exactly once, and the case counted them all.
        assert [v for v, _name in wins] == list(range(1, case.version)), (case.pk, wins)
        events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
        assert [e.action for e in events] == ["report", *(name for _v, name in wins)]
        previous = ""
        for event in events:
            assert legal(event.action, event.from_state, event.to_state), event
            assert event.from_state == previous, (case.pk, event.action, previous)
            previous = event.to_state
        assert case.state == previous

    audit_chain.seal_pending()
    result = audit_chain.verify()
    assert result.ok, result
    rollup.refresh_all()
    today = timezone.localdate()
    selection = Selection(Grid.objects.all(), today - dt.timedelta(days=1), today + dt.timedelta(days=2))
    for level in LEVELS:
        fast = {k: v.as_dict() for k, v in query.figures(selection, level).items()}
        assert fast == {k: v.as_dict() for k, v in query.naive_figures(selection, level).items()}
