"""One case's facts (a RollupCase row) and what they add to the daily rollup.

The facts come from one ORM query over cases (used for one case and for ten million alike); the
rollup is the sum of every case's contribution, so a changed case moves the rollup by exactly
(new contribution − old contribution).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db.models import (
    Aggregate,
    BooleanField,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models import Case as Switch
from django.db.models.functions import Coalesce, TruncDate

from gridgov.cases.figures import definitions as d
from gridgov.cases.models import Case, CaseEvent, Escalation
from gridgov.cases.models.rollups import COUNTERS, DIMENSIONS, RollupCase

FACT_COLUMNS: tuple[str, ...] = tuple(f.attname for f in RollupCase._meta.concrete_fields)
# A rollup key: the local day, then DIMENSIONS. A vector: COUNTERS, then handling in microseconds.
Key = tuple[dt.date, int, int, int, int, int]
INDEX = {name: i for i, name in enumerate(COUNTERS)}
HANDLING = len(COUNTERS)
WIDTH = len(COUNTERS) + 1


class DayList(Aggregate):
    """The local days of a case's escalations or rework events, as "YYYY-MM-DD,YYYY-MM-DD"."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, output_field=TextField())

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, ',')"
        )


def _days_of(rows: QuerySet[Any]) -> Coalesce:
    days = rows.order_by().values("case").annotate(days=DayList(TruncDate("at", tzinfo=d.local_tz())))
    return Coalesce(Subquery(days.values("days")), Value(""), output_field=TextField())


def _flag(condition: Q) -> Switch:
    return Switch(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def fact_expressions() -> dict[str, Any]:
    tz = d.local_tz()
    return {
        "case_id": F("pk"),
        "grid_id": F("grid_id"),
        "village_id": F("village_id"),
        "police_zone_id": F("police_zone_id"),
        "assignee_id": Coalesce("assignee_id", Value(0)),
        "department_id": Coalesce("department_id", Value(0)),
        "reported_on": TruncDate("reported_at", tzinfo=tz),
        "accepted_on": TruncDate("accepted_at", tzinfo=tz),
        "accepted_in_time": _flag(d.accepted_in_time()),
        "dispatched_on": TruncDate("dispatched_at", tzinfo=tz),
        "closed_on": TruncDate("closed_at", tzinfo=tz),
        "closed_in_time": _flag(d.closed_in_time()),
        "reworked": _flag(Q(rework_count__gt=0)),
        "in_grid": _flag(d.closed_in_grid()),
        "in_village": _flag(d.closed_in_village()),
        "handling": d.handling_time(),
        "rating": F("rating"),
        "due_on": Switch(
            When(d.is_due(), then=TruncDate("deadline", tzinfo=tz)), default=None, output_field=DateField()
        ),
        "deferred": F("deferred"),
        "escalation_days": _days_of(Escalation.objects.filter(case=OuterRef("pk"))),
        "rework_days": _days_of(CaseEvent.objects.filter(case=OuterRef("pk"), action="rework")),
    }


def fact_values(case_ids: Collection[int] | None = None) -> QuerySet[Case, dict[str, Any]]:
    """The facts of these cases (all cases: None), as rows keyed "f_<RollupCase column>"."""
    expressions = fact_expressions()
    assert tuple(expressions) == FACT_COLUMNS, "fact_expressions() must follow RollupCase's columns"
    cases = Case.objects.order_by()
    if case_ids is not None:
        cases = cases.filter(pk__in=list(case_ids))
    rows: QuerySet[Case, dict[str, Any]] = cases.annotate(
        **{f"f_{k}": v for k, v in expressions.items()}
    ).values(*[f"f_{k}" for k in expressions])
    return rows


def facts_for(case_ids: Collection[int]) -> dict[int, RollupCase]:
    return {
        row["f_case_id"]: RollupCase(**{k: row[f"f_{k}"] for k in FACT_COLUMNS})
        for row in fact_values(case_ids)
    }


def _days(text: str) -> list[dt.date]:
    return [dt.date.fromisoformat(part) for part in text.split(",") if part]


def contribution(fact: RollupCase) -> dict[Key, list[int]]:
    """What one case adds to each day's row of its holder, grid and department."""
    dims = tuple(int(getattr(fact, name)) for name in DIMENSIONS)
    out: dict[Key, list[int]] = {}

    def add(day: dt.date | None, handling: dt.timedelta | None = None, **counts: int) -> None:
        if day is None:
            return
        vector = out.setdefault((day, *dims), [0] * WIDTH)  # type: ignore[arg-type]
        for name, n in counts.items():
            vector[INDEX[name]] += n
        if handling is not None:
            vector[HANDLING] += handling // dt.timedelta(microseconds=1)

    add(fact.reported_on, reported=1)
    add(fact.accepted_on, accepted=1, accepted_in_time=int(fact.accepted_in_time))
    add(fact.dispatched_on, dispatched=1)
    closed = fact.closed_on is not None
    if closed:
        rated = fact.rating is not None
        add(
            fact.closed_on,
            fact.handling,
            closed=1,
            closed_in_time=int(fact.closed_in_time),
            reworked=int(fact.reworked),
            closed_in_grid=int(fact.in_grid),
            closed_in_village=int(fact.in_village),
            rated=int(rated),
            rating_sum=fact.rating or 0,
            satisfied=int(rated and (fact.rating or 0) >= d.SATISFIED_FROM),
        )
    counted = not fact.deferred
    add(
        fact.due_on,
        due=1,
        deferred=int(fact.deferred),
        due_closed=int(counted and closed),
        due_closed_in_time=int(counted and fact.closed_in_time),
    )
    for day in _days(fact.escalation_days):
        add(day, escalations=1)
    for day in _days(fact.rework_days):
        add(day, rework_events=1)
    return out


def same_facts(a: RollupCase, b: RollupCase) -> bool:
    return all(getattr(a, c) == getattr(b, c) for c in FACT_COLUMNS)
