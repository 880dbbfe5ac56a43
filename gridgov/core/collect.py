"""Hold a block's audit entries and insert them together when it ends, in the same transaction.

`gridgov.core.audit.collect()` is the public face; this module keeps the queue and its guards. The
rows queued here are the finished rows the per-row path would insert (content hash included): only
the INSERT is deferred, so what reaches the trail is the same, in the same order.

Three guards keep a queued entry from ever parting from its row:
- Anything that names the trail's table while entries are queued (a read, the sealer, raw SQL) first
  inserts them, so the block reads the trail as the per-row path would have left it.
- A savepoint's creation or release first inserts them too; rolling back to a savepoint discards them.
  So the queue only ever holds entries of rows written since the innermost open savepoint, which such a
  rollback undoes as well.
- An exception leaving the block discards the queue and marks the enclosing transaction for rollback
  (as `atomic(savepoint=False)` does): rows whose entries were queued cannot commit without them, even
  when the caller catches the exception.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections, transaction

TABLE = "core_auditentry"
Insert = Callable[[Any, list[tuple[Any, ...]]], None]

# Per database alias: the rows waiting for the outermost block's end. Context-local, so each thread
# (a gunicorn worker's request) has its own, like Django's connections.
_queues: ContextVar[dict[str, list[tuple[Any, ...]]] | None] = ContextVar("gridgov_audit_queue", default=None)


def queue(alias: str) -> list[tuple[Any, ...]] | None:
    """The rows being collected for `alias`, or None when no block is collecting there."""
    queues = _queues.get()
    return None if queues is None else queues.get(alias)


@contextmanager
def collect(alias: str, insert: Insert) -> Iterator[None]:
    db = connections[alias]
    if not db.in_atomic_block:
        # Outside a transaction the rows would be autocommitted one by one, their entries later.
        raise transaction.TransactionManagementError("audit.collect() needs an open atomic block")
    queues = _queues.get()
    if queues is not None and alias in queues:
        yield  # nested: the outermost block inserts
        return
    rows: list[tuple[Any, ...]] = []

    def flush() -> None:
        if rows:
            pending = rows[:]
            rows.clear()  # before inserting: on SQLite the insert passes through guard() again
            try:
                insert(db, pending)
            except BaseException:
                # Even if a caller catches this, the rows whose entries failed must not commit.
                transaction.set_rollback(True, using=alias)
                raise

    def guard(execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
        if rows and isinstance(sql, str):
            if sql.startswith("ROLLBACK TO SAVEPOINT"):
                rows.clear()
            elif sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")) or TABLE in sql:
                flush()
        return execute(sql, params, many, context)

    token = _queues.set({**(queues or {}), alias: rows})
    try:
        with db.execute_wrapper(guard):
            try:
                yield
                flush()
            except BaseException:
                rows.clear()
                transaction.set_rollback(True, using=alias)
                raise
    finally:
        _queues.reset(token)
