"""Triggers that give the reference stamp (`cases_referenceversion`) a new random value whenever
something intake caches per process changes — in the changing transaction, whatever wrote it (ORM,
admin, bulk updates, raw SQL). Used by a migration.
"""

from __future__ import annotations

from gridgov.core.vendor_sql import VendorStatements

VERSION = "cases_referenceversion"
# Every write to these tables may change a category, a rule, a grid's staff or a webhook endpoint.
WATCHED = [
    "cases_category",
    "cases_department",
    "cases_department_members",
    "cases_triagerule",
    "cases_webhookendpoint",
    "geo_grid",
    "geo_grid_workers",
    "geo_policezone",
    "geo_village",
]
# Accounts: only the columns routing and the answers read. A log-in writes `last_login` alone and
# must not throw every process's cache away.
USER_TABLE = "accounts_user"
USER_COLUMNS = "username, full_name, role, is_active, scope_kind, scope_sub_district_id"

_UPSERT = "ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp;"
_SQLITE_TOUCH = f"INSERT INTO {VERSION} (id, stamp) VALUES (1, random()) {_UPSERT}"  # noqa: S608
_SQLITE_EVENTS = [
    *[(table, op.lower(), op) for table in WATCHED for op in ("INSERT", "UPDATE", "DELETE")],
    (USER_TABLE, "insert", "INSERT"),
    (USER_TABLE, "delete", "DELETE"),
    (USER_TABLE, "update", f"UPDATE OF {USER_COLUMNS}"),
]
SQLITE_CREATE = [
    f"CREATE TRIGGER {table}_reference_{name} AFTER {event} ON {table} BEGIN {_SQLITE_TOUCH} END"
    for table, name, event in _SQLITE_EVENTS
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {table}_reference_{name}" for table, name, _e in _SQLITE_EVENTS]

# Statement-level on PostgreSQL: a bulk import bumps the stamp once per statement, not per row.
POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION cases_reference_touch() RETURNS trigger AS $$
    BEGIN
      INSERT INTO {VERSION} (id, stamp) VALUES (1, floor(random() * 9e18)::bigint)
      ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",  # noqa: S608 (constants only)
    *[
        f"""CREATE TRIGGER {table}_reference_touch AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION cases_reference_touch()"""
        for table in WATCHED
    ],
    f"""CREATE TRIGGER {USER_TABLE}_reference_touch
    AFTER INSERT OR DELETE OR UPDATE OF {USER_COLUMNS} ON {USER_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION cases_reference_touch()""",
]
POSTGRES_DROP = [
    *[f"DROP TRIGGER IF EXISTS {table}_reference_touch ON {table}" for table in [*WATCHED, USER_TABLE]],
    "DROP FUNCTION IF EXISTS cases_reference_touch()",
]


TRIGGERS = VendorStatements("reference triggers", SQLITE_CREATE, SQLITE_DROP, POSTGRES_CREATE, POSTGRES_DROP)
statements = TRIGGERS.statements
apply = TRIGGERS.apply
