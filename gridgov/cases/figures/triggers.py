"""Triggers that queue a case for the rollup refresh whenever it, its escalations or its timeline
change — in the changing transaction, whatever wrote it (ORM, admin, raw SQL). Used by a migration.
"""

from __future__ import annotations

from typing import Any

from gridgov.core.vendor_sql import VendorStatements

QUEUE = "cases_rollupdirty"
# table → the column holding the case id
WATCHED = {"cases_case": "id", "cases_escalation": "case_id", "cases_caseevent": "case_id"}

SQLITE_CREATE = [
    f"""CREATE TRIGGER {table}_rollup_{op.lower()} AFTER {op} ON {table}
    BEGIN INSERT INTO {QUEUE} (case_id) VALUES ({row}.{column}); END"""  # noqa: S608 (constants only)
    for table, column in WATCHED.items()
    for op, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_rollup_{op}"
    for table in WATCHED
    for op in ("insert", "update", "delete")
]

POSTGRES_CREATE = [
    *[
        f"""CREATE OR REPLACE FUNCTION {table}_rollup_mark() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            INSERT INTO {QUEUE} (case_id) VALUES (OLD.{column});
            RETURN OLD;
          END IF;
          INSERT INTO {QUEUE} (case_id) VALUES (NEW.{column});
          RETURN NEW;
        END $$ LANGUAGE plpgsql"""  # noqa: S608 (constants only)
        for table, column in WATCHED.items()
    ],
    *[
        f"""CREATE TRIGGER {table}_rollup_mark AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_rollup_mark()"""
        for table in WATCHED
    ],
]
POSTGRES_DROP = [
    *[f"DROP TRIGGER IF EXISTS {table}_rollup_mark ON {table}" for table in WATCHED],
    *[f"DROP FUNCTION IF EXISTS {table}_rollup_mark()" for table in WATCHED],
]


TRIGGERS = VendorStatements("rollup triggers", SQLITE_CREATE, SQLITE_DROP, POSTGRES_CREATE, POSTGRES_DROP)
statements = TRIGGERS.statements
apply = TRIGGERS.apply


def enqueue_all(connection: Any) -> None:
    """Queue every existing case (after the triggers exist): the worker then counts them all."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {QUEUE} (case_id) SELECT id FROM cases_case")  # noqa: S608
