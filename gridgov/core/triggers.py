"""Database triggers that make the audit trail append-only below the ORM as well.

An entry may be sealed once (seq and chain_hash filled while seq is empty) and deleted only after
the six-month minimum the Cybersecurity Law asks for. Used by a migration; tests that prove
`gridgov audit verify` catches tampering lift them the way an intruder with database rights would.
"""

from __future__ import annotations

from gridgov.core.vendor_sql import VendorStatements

CONTENT_COLUMNS = (
    "at",
    "actor_id",
    "actor_name",
    "role",
    "source",
    "request_id",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "reason",
    "content_hash",
)
MIN_RETENTION_DAYS = 183

_SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT_COLUMNS)
SQLITE_CREATE = [
    f"""CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE ON core_auditentry
    WHEN OLD.seq IS NOT NULL OR {_SQLITE_CHANGED}
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    f"""CREATE TRIGGER core_auditentry_retention BEFORE DELETE ON core_auditentry
    WHEN OLD.at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-{MIN_RETENTION_DAYS} days')
    BEGIN SELECT RAISE(ABORT, 'audit entries are kept at least {MIN_RETENTION_DAYS} days'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditentry_append_only",
    "DROP TRIGGER IF EXISTS core_auditentry_retention",
]

_PG_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CONTENT_COLUMNS)
POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION core_auditentry_guard() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.at > now() - interval '{MIN_RETENTION_DAYS} days' THEN
          RAISE EXCEPTION 'audit entries are kept at least {MIN_RETENTION_DAYS} days';
        END IF;
        RETURN OLD;
      END IF;
      IF OLD.seq IS NOT NULL OR {_PG_CHANGED} THEN
        RAISE EXCEPTION 'audit entries are append-only';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditentry_guard BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_guard()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_auditentry_guard ON core_auditentry",
    "DROP FUNCTION IF EXISTS core_auditentry_guard()",
]


TRIGGERS = VendorStatements("audit triggers", SQLITE_CREATE, SQLITE_DROP, POSTGRES_CREATE, POSTGRES_DROP)
statements = TRIGGERS.statements
apply = TRIGGERS.apply
