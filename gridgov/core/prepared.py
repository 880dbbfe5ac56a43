"""One statement, prepared once per connection on PostgreSQL, for the paths every request takes.

Django's PostgreSQL cursor binds on the client: each call quotes its values into new SQL text, which
the server parses and plans again. The few statements run on every API call or intake (the bearer
token's lookup, intake's reference stamp and its one write) go through a server-binding cursor with
`prepare=True` instead: parsed once per connection, and planned once when PostgreSQL finds the
generic plan as good — the largest part of the server's work for such short statements. SQLite has
nothing to gain and gets Django's cursor. Like Django's own cursor, the statement (its text, never
its values) is kept in `connection.queries` when Django records queries (DEBUG, tests).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from gridgov.core.models.insert import bulk_cursor


def fetch(db: Any, sql: str, params: Sequence[Any] = (), *, binary: bool = False) -> list[tuple[Any, ...]]:
    """Run `sql` on connection `db` and return its rows (none for a statement that returns none).
    `binary`: results in PostgreSQL's binary format, which psycopg reads faster (timestamps)."""
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    db.ensure_connection()
    started = time.monotonic()
    with bulk_cursor(db) as cursor:
        cursor.execute(sql, params, prepare=True, binary=binary)
        rows: list[tuple[Any, ...]] = cursor.fetchall() if cursor.description else []
    if db.queries_logged:
        db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows
