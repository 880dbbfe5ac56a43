"""One statement, prepared once per connection on PostgreSQL, for the paths every request takes.

Django's PostgreSQL cursor binds on the client: each call quotes its values into new SQL text, which
the server parses and plans again. The few statements run on every API call or intake (the bearer
token's lookup, intake's reference stamp and its one write) go through a server-binding cursor with
`prepare=True` instead: parsed once per connection, and planned once when PostgreSQL finds the
generic plan as good — the largest part of the server's work for such short statements. SQLite has
nothing to gain and gets Django's cursor. Like Django's own cursor, the statement (its text, never
its values) is kept in `connection.queries` when Django records queries (DEBUG, tests).

The cursor is kept with the connection it belongs to (one per Django connection, so per thread) and
used again: making a psycopg cursor, and asking it for `description` (a column object per column,
made anew on every call), cost more Python than the prepared statement saves the server. And psycopg
finds the placeholders of a statement longer than 4 KB again on every call (it keeps only shorter
ones, as an ORM's long statements seldom come back); these few always come back, so they are kept.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from typing import Any

from gridgov.core.models.insert import copies

_KEPT = "_gridgov_prepared_cursor"  # on Django's connection wrapper: (psycopg connection, its cursor)


def fetch(db: Any, sql: str, params: Sequence[Any] = (), *, binary: bool = False) -> list[tuple[Any, ...]]:
    """Run `sql` on connection `db` and return its rows (none for a statement that returns none).
    `binary`: results in PostgreSQL's binary format, which psycopg reads faster (timestamps)."""
    if not copies(db):  # SQLite (or psycopg 2): Django's cursor
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    started = time.monotonic()
    with db.wrap_database_errors:
        cursor = _cursor(db)
        cursor.execute(sql, params, prepare=True, binary=binary)
        result = cursor.pgresult
        rows: list[tuple[Any, ...]] = cursor.fetchall() if result is not None and result.nfields else []
    if db.queries_logged:
        db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows


def _cursor(db: Any) -> Any:
    """The server-binding cursor of `db`'s current psycopg connection (a new one after a reconnect)."""
    raw = db.connection
    kept = getattr(db, _KEPT, None)
    if kept is None or kept[0] is not raw or kept[1].closed:
        kept = (raw, _cursor_class()(raw))
        setattr(db, _KEPT, kept)
    return kept[1]


@functools.cache
def _cursor_class() -> Any:
    import psycopg
    from psycopg import _queries  # the query class psycopg's cursors use, to keep every conversion

    class KeptQuery(_queries.PostgresQuery):
        def convert(self, query: Any, vars: Any) -> None:
            if not isinstance(query, str) or vars is None:
                super().convert(query, vars)
                return
            encoding = self._tx.encoding
            self.query, self._want_formats, self._order, self._parts = _queries._query2pg(
                query.encode(encoding), encoding
            )
            self.dump(vars)

    class Cursor(psycopg.Cursor):  # type: ignore[misc, name-defined, unused-ignore]
        _query_cls = KeptQuery

    return Cursor
