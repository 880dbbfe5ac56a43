"""Synthetic cases in bulk, for the figures benchmark: millions of rows in one SQL statement.

Only for benchmark scratch databases: rows go straight into the tables with INSERT … SELECT over a
number series (generate_series on PostgreSQL, a recursive CTE on SQLite), so they bypass the audit
trail, the workflow and the rollup triggers (lifted while inserting; rollup.rebuild() counts them).
Each case gets a grid (with its village, police zone and first worker), a minor category (with its
handler and department), a report time within the last `days`, and a life drawn from hashes of its
number — deterministic, and the same on both databases.
"""

# ruff: noqa: S608 — every statement here is built from this module's constants and integers.
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from gridgov.cases.figures import triggers
from gridgov.cases.models import Case

TITLE = "bench"
P = 1_000_003  # a prime: the hashes below are evenly spread over [0, 1)


def _r(k: int, pg: bool) -> str:
    """A pseudo-random number in [0, 1) from the case's number n (k picks one of several)."""
    hashed = f"((s.n * {2_654_435_761 + 7919 * k} + {k * 104_729}) % {P})"
    return f"({hashed}::float8 / {P})" if pg else f"({hashed} * 1.0 / {P})"


def _sql(n: int, days: int, grids: int, categories: int) -> str:
    pg = connection.vendor == "postgresql"

    def plus(expression: str, seconds: str) -> str:
        if pg:
            return f"({expression} + ({seconds}) * INTERVAL '1 second')"
        return f"datetime({expression}, CAST({seconds} AS INTEGER) || ' seconds')"

    now = "now()" if pg else "datetime('now')"
    reported = plus(now, f"-{_r(0, pg)} * {days * 86400}")
    closed = plus("s.t", f"{_r(2, pg)} * 96 * 3600 + 3600")
    least = "LEAST" if pg else "MIN"
    r1, r4 = _r(1, pg), _r(4, pg)
    values = {
        "category_id": "c.id",
        "title": f"'{TITLE}'",
        "description": "''",
        "channel": "'phone'",
        "state": f"CASE WHEN {r1} < 0.86 THEN 'closed' WHEN {r1} < 0.90 THEN 'resolved' "
        f"WHEN {r1} < 0.95 THEN 'in_progress' WHEN {r1} < 0.98 THEN 'accepted' ELSE 'reported' END",
        "version": "1",
        "police": "c.police",
        "handler": "c.handler",
        "level": "CASE WHEN s.n % 97 = 0 THEN 2 WHEN s.n % 31 = 0 THEN 1 ELSE 0 END",
        "assignee_id": "g.worker_id",
        "department_id": "c.department_id",
        "grid_id": "g.id",
        "village_id": "g.village_id",
        "police_zone_id": "g.police_zone_id",
        "lng": "g.label_lng",
        "lat": "g.label_lat",
        "address": "''",
        "reported_at": "s.t",
        "accept_due": plus("s.t", "1800"),
        "respond_due": plus("s.t", "7200"),
        "resolve_due": plus("s.t", "259200"),
        "deadline": plus("s.t", "259200"),
        "accepted_at": f"CASE WHEN {r1} < 0.98 THEN {plus('s.t', f'{_r(3, pg)} * 2700')} END",
        "dispatched_at": f"CASE WHEN {r1} < 0.95 THEN {plus('s.t', '3000')} END",
        "resolved_at": f"CASE WHEN {r1} < 0.90 THEN {least}({plus(closed, '-1800')}, {now}) END",
        "closed_at": f"CASE WHEN {r1} < 0.86 THEN {least}({closed}, {now}) END",
        "deferred": "(s.n % 53 = 0)",
        "rework_count": f"CASE WHEN s.n % 19 = 0 AND {r1} < 0.90 THEN 1 ELSE 0 END",
        "rating": f"CASE WHEN {r1} < 0.86 AND {r4} < 0.7 THEN 1 + CAST({r4} / 0.7 * 5 AS INTEGER) END",
        "rating_comment": "''",
        "rating_token_digest": "''",
        "external_id": "''",
    }
    required = {f.column for f in Case._meta.concrete_fields if not f.null and not f.primary_key}
    assert required <= set(values), f"columns without a value: {required - set(values)}"
    series = f"generate_series(1, {n}) AS s(n)" if pg else "seq AS s"
    numbers = f"(SELECT s.n, {reported} AS t FROM {series}) s"
    head = "" if pg else f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {n}) "
    return (
        f"{head}INSERT INTO cases_case ({', '.join(values)}) SELECT {', '.join(values.values())} "
        f"FROM {numbers} JOIN bench_grids g ON g.i = s.n % {grids} "
        f"JOIN bench_categories c ON c.i = s.n % {categories}"
    )


def _lookups(cursor: Any) -> tuple[int, int]:
    cursor.execute("DROP TABLE IF EXISTS bench_grids")
    cursor.execute("DROP TABLE IF EXISTS bench_categories")
    cursor.execute(
        "CREATE TEMP TABLE bench_grids AS SELECT ROW_NUMBER() OVER (ORDER BY g.id) - 1 AS i, g.id, "
        "g.village_id, g.police_zone_id, g.label_lng, g.label_lat, "
        "(SELECT MIN(w.user_id) FROM geo_grid_workers w WHERE w.grid_id = g.id) AS worker_id FROM geo_grid g"
    )
    cursor.execute(
        "CREATE TEMP TABLE bench_categories AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS i, id, "
        "police, handler, department_id FROM cases_category WHERE LENGTH(code) = 4 AND active"
    )
    cursor.execute("SELECT COUNT(*) FROM bench_grids")
    grids = int(cursor.fetchone()[0])
    cursor.execute("SELECT COUNT(*) FROM bench_categories")
    return grids, int(cursor.fetchone()[0])


def _events(cursor: Any, after: int) -> None:
    """Escalation rows and escalate events for escalated cases, rework events for reworked ones."""
    pg = connection.vendor == "postgresql"
    at = "reported_at + INTERVAL '40 minutes'" if pg else "datetime(reported_at, '+40 minutes')"
    bench = f"FROM cases_case WHERE id > {after} AND title = '{TITLE}'"
    for stage, level in (("accept", 1), ("resolve", 2)):
        cursor.execute(
            "INSERT INTO cases_escalation (case_id, stage, to_level, at) "
            f"SELECT id, '{stage}', {level}, {at} {bench} AND level >= {level}"
        )
    columns = "case_id, at, actor_id, actor_name, action, from_state, to_state, note, data"
    for action, before, then, where in (
        ("escalate", "reported", "escalated", "level >= 1"),
        ("rework", "resolved", "returned", "rework_count > 0"),
    ):
        cursor.execute(
            f"INSERT INTO cases_caseevent ({columns}) SELECT id, {at}, NULL, 'bench', '{action}', "
            f"'{before}', '{then}', '', '{{}}' {bench} AND {where}"
        )


@contextmanager
def _indexes_lifted(cursor: Any, table: str) -> Iterator[None]:
    """Bulk loading 101: drop the table's plain indexes, insert, build them again (much faster than
    keeping twenty indexes up to date row by row). Constraint indexes stay."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if cursor.fetchone()[0]:
            # No foreign-key checks for rows built from the map's own ids: six look-ups a row
            # would cost more than the insert itself.
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:  # checked at once, not at commit: PostgreSQL builds no index with checks pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [table],
        )
    else:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
    indexes = list(cursor.fetchall())
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for _name, definition in indexes:
        cursor.execute(definition)
    if connection.vendor == "postgresql":
        # SET LOCAL lasts to the end of the outermost transaction, not of this block: inside a
        # caller's transaction (a test's, say) triggers and checks would otherwise stay off.
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def generate(n: int, days: int = 730) -> tuple[float, bool]:
    """`n` synthetic cases over the last `days` (none if that many are there already: a re-run
    reuses them). Returns the seconds it took and whether existing cases were reused."""
    if Case.objects.filter(title=TITLE).count() >= n:
        return 0.0, True
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        triggers.apply(connection, create=False)
        grids, categories = _lookups(cursor)
        if not grids or not categories:
            raise ValueError("synthetic cases need a map and categories (gridgov demo; ensure_defaults())")
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        after = int(cursor.fetchone()[0])
        with _indexes_lifted(cursor, "cases_case"):
            cursor.execute(_sql(n, days, grids, categories))
        _events(cursor, after)
        triggers.apply(connection, create=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")
            cursor.execute("ANALYZE cases_caseevent")
    return time.perf_counter() - started, False
