"""SQLite backend whose flush may empty the audit trail.

`flush` wipes a whole database (tests between transactional cases, `gridgov flush`); SQLite has no
TRUNCATE, so its DELETEs would meet the audit trail's retention trigger. The trigger is lifted for the
flush and put back in the same transaction. Nothing else changes.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base, operations

from gridgov.core import triggers


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        statements: list[str] = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if "core_auditentry" not in tables:
            return statements
        return [*triggers.SQLITE_DROP, *statements, *triggers.SQLITE_CREATE]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
