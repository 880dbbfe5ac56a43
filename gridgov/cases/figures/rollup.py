"""Keeping the daily rollup: the worker's refresh of changed cases, and a rebuild from scratch.

refresh(): triggers queue every changed case (RollupDirty, same transaction as the change); each run
takes a batch, subtracts what those cases contributed last time (RollupCase), adds what they
contribute now, and removes them from the queue — all in one transaction under one row lock, so a
run killed half-way leaves nothing behind and running it twice changes nothing.

rebuild(): the whole rollup again from the cases, in SQL (used after a restore, for benchmarks, and
to prove the refresh right).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from gridgov.cases.figures import facts as f
from gridgov.cases.figures.definitions import SATISFIED_FROM, local_tz
from gridgov.cases.models.rollups import (
    COUNTERS,
    DIMENSIONS,
    RollupCase,
    RollupDay,
    RollupDirty,
    RollupState,
)

BATCH = 2_000
# A refresh run stops taking batches after this long, so the worker's other jobs get their turn.
BUDGET_SECONDS = 20.0


def _locked_state() -> RollupState:
    # get_or_create outside the lock settles a race between two first runs; the lock orders the rest.
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


def _key(row: RollupDay) -> f.Key:
    return (row.day, *(int(getattr(row, n)) for n in DIMENSIONS))  # type: ignore[return-value]


def _vector(row: RollupDay) -> list[int]:
    return [*(getattr(row, c) for c in COUNTERS), row.handling // dt.timedelta(microseconds=1)]


def _row(key: f.Key, vector: list[int]) -> RollupDay:
    row = RollupDay(day=key[0], **dict(zip(DIMENSIONS, key[1:], strict=True)))
    for name, value in zip(COUNTERS, vector, strict=False):
        setattr(row, name, value)
    row.handling = dt.timedelta(microseconds=vector[f.HANDLING])
    return row


def _delete(table: str, column: str, values: list[int]) -> None:
    """Plain DELETEs: Django's delete() would load every row to send signals (gridgov listens to all
    deletes for the audit trail), which derived rows do not need."""
    with connection.cursor() as cursor:
        for start in range(0, len(values), 1000):
            chunk = values[start : start + 1000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)  # noqa: S608


def _apply(deltas: dict[f.Key, list[int]]) -> None:
    """Add the deltas to the rollup rows: changed rows are replaced, rows that reach zero go."""
    deltas = {k: v for k, v in deltas.items() if any(v)}
    keys = list(deltas)
    for start in range(0, len(keys), 300):
        chunk = keys[start : start + 300]
        where = Q()
        for day, grid in {(k[0], k[1]) for k in chunk}:
            where |= Q(day=day, grid_id=grid)
        existing = {_key(r): r for r in RollupDay.objects.filter(where)}
        replaced, fresh = [], []
        for key in chunk:
            old = existing.get(key)
            vector = (
                deltas[key]
                if old is None
                else [a + b for a, b in zip(_vector(old), deltas[key], strict=True)]
            )
            if old is not None:
                replaced.append(old.pk)
            if any(vector):
                fresh.append(_row(key, vector))
        _delete("cases_rollupday", "id", replaced)
        RollupDay.objects.bulk_create(fresh)


def refresh(limit: int = BATCH) -> int:
    """One batch of changed cases into the rollup. Returns how many queue entries it consumed."""
    started = timezone.now()
    with transaction.atomic():
        state = _locked_state()
        queued = list(RollupDirty.objects.order_by("pk").values_list("pk", "case_id")[:limit])
        case_ids = {case_id for _pk, case_id in queued}
        new = f.facts_for(case_ids)
        old = {r.case_id: r for r in RollupCase.objects.filter(case_id__in=case_ids)}
        deltas: dict[f.Key, list[int]] = defaultdict(lambda: [0] * f.WIDTH)
        changed = [c for c in case_ids if not (c in old and c in new and f.same_facts(old[c], new[c]))]
        for case_id in changed:
            for sign, fact in ((-1, old.get(case_id)), (1, new.get(case_id))):
                if fact is None:
                    continue
                for key, vector in f.contribution(fact).items():
                    total = deltas[key]
                    for i, n in enumerate(vector):
                        total[i] += sign * n
        _apply(deltas)
        _delete("cases_rollupcase", "case_id", changed)
        RollupCase.objects.bulk_create([new[c] for c in changed if c in new])
        _delete("cases_rollupdirty", "id", [pk for pk, _case in queued])
        if len(queued) < limit:
            # Drained: every change committed before this run started is in the figures now.
            state.refreshed_at = started
            state.save(update_fields=["refreshed_at"])
    return len(queued)


def refresh_all(budget_seconds: float = BUDGET_SECONDS) -> int:
    """The worker's job: batches until the queue is empty or the time is up."""
    done, deadline = 0, time.monotonic() + budget_seconds
    while True:
        taken = refresh()
        done += taken
        if taken < BATCH or time.monotonic() > deadline:
            return done


def pending() -> int:
    return RollupDirty.objects.count()


def _insert_select(table: str, columns: list[str], select_sql: str, params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {select_sql}", params)


def _family_selects(zero_duration: str) -> tuple[list[str], list[Any]]:
    """One SELECT per family of counters: (day, dimensions, every counter, handling) rows to add up."""
    dims = ", ".join(DIMENSIONS)

    def select(day: str, source: str, where: str = "", **counts: str) -> str:
        values = ", ".join(f"{counts.get(c, '0')} AS {c}" for c in COUNTERS)
        handling = counts.get("handling", zero_duration)
        # Every piece is a constant of this module or SQL Django's backend wrote (the day).
        return f"SELECT {day} AS day, {dims}, {values}, {handling} AS handling FROM {source} {where}"  # noqa: S608

    def as_int(column: str) -> str:
        return f"CASE WHEN {column} THEN 1 ELSE 0 END"

    facts = "cases_rollupcase"
    kept = "(CASE WHEN deferred THEN 0 ELSE 1 END)"
    selects = [
        select("reported_on", facts, reported="1"),
        select(
            "accepted_on",
            facts,
            "WHERE accepted_on IS NOT NULL",
            accepted="1",
            accepted_in_time=as_int("accepted_in_time"),
        ),
        select("dispatched_on", facts, "WHERE dispatched_on IS NOT NULL", dispatched="1"),
        select(
            "closed_on",
            facts,
            "WHERE closed_on IS NOT NULL",
            closed="1",
            closed_in_time=as_int("closed_in_time"),
            reworked=as_int("reworked"),
            closed_in_grid=as_int("in_grid"),
            closed_in_village=as_int("in_village"),
            rated="CASE WHEN rating IS NULL THEN 0 ELSE 1 END",
            rating_sum="COALESCE(rating, 0)",
            satisfied=f"CASE WHEN rating >= {SATISFIED_FROM} THEN 1 ELSE 0 END",
            handling="handling",
        ),
        select(
            "due_on",
            facts,
            "WHERE due_on IS NOT NULL",
            due="1",
            deferred=as_int("deferred"),
            due_closed=f"{kept} * CASE WHEN closed_on IS NULL THEN 0 ELSE 1 END",
            due_closed_in_time=f"{kept} * {as_int('closed_in_time')}",
        ),
    ]
    params: list[Any] = []
    tzname = str(local_tz())
    for table, where, counter in (
        ("cases_escalation", "", "escalations"),
        ("cases_caseevent", "WHERE e.action = 'rework'", "rework_events"),
    ):
        day_sql, day_params = connection.ops.datetime_cast_date_sql("e.at", (), tzname)
        # The dimension columns exist only in the facts table, so they need no qualifier here.
        selects.append(
            select(day_sql, f"{table} e JOIN {facts} x ON x.case_id = e.case_id", where, **{counter: "1"})
        )
        params.extend(day_params)
    return selects, params


def rebuild() -> dict[str, float]:
    """Everything again from the cases, in one transaction. Returns the seconds each step took."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    with transaction.atomic():
        _locked_state()
        # Queue entries first: a change committed after this statement keeps its entry and is
        # refreshed later; one committed before it is read by the statements below.
        with connection.cursor() as cursor:
            for table in ("cases_rollupdirty", "cases_rollupcase", "cases_rollupday"):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (constants)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # room to group millions of rows in memory, not on disk
                cursor.execute("SET LOCAL work_mem = '256MB'")
        timings["clear_s"] = time.perf_counter() - clock
        facts_sql, facts_params = f.fact_values().query.sql_with_params()
        columns = ", ".join(f"f_{c}" for c in f.FACT_COLUMNS)
        _insert_select(
            "cases_rollupcase",
            list(f.FACT_COLUMNS),
            f"SELECT {columns} FROM ({facts_sql}) facts",  # noqa: S608 (the ORM's SQL, with params)
            facts_params,
        )
        timings["facts_s"] = time.perf_counter() - clock - sum(timings.values())
        zero = "INTERVAL '0'" if connection.vendor == "postgresql" else "0"
        selects, params = _family_selects(zero)
        sums = ", ".join(f"SUM({c})" for c in (*COUNTERS, "handling"))
        dims = ", ".join(DIMENSIONS)
        _insert_select(
            "cases_rollupday",
            ["day", *DIMENSIONS, *COUNTERS, "handling"],
            # In (grid, day) order: a period of a few grids then reads few pages.
            f"SELECT day, {dims}, {sums} FROM ({' UNION ALL '.join(selects)}) parts "  # noqa: S608
            f"GROUP BY day, {dims} ORDER BY grid_id, day",
            params,
        )
        timings["rollup_s"] = time.perf_counter() - clock - sum(timings.values())
        RollupState.objects.filter(pk=1).update(rebuilt_at=timezone.now(), refreshed_at=timezone.now())
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh statistics, or the planner guesses from empty tables
                cursor.execute("ANALYZE cases_rollupday")
                cursor.execute("ANALYZE cases_rollupcase")
    return timings
