"""Triggers that append a row to `people_gridchange` for every grid whose figures a write may change —
in the writing transaction, whatever wrote it (ORM, admin, bulk updates, the import, raw SQL). Used by
a migration; read by gridgov.people.services.figures_cache.
"""

from __future__ import annotations

from gridgov.core.vendor_sql import VendorStatements

CHANGES = "people_gridchange"
# table → (its column that leads to the grid, the table that column points into; None: it is the grid)
WATCHED: dict[str, tuple[str, str | None]] = {
    "people_resident": ("grid_id", None),
    "people_household": ("grid_id", None),
    "people_building": ("grid_id", None),
    "people_residenceregistration": ("household_id", "people_household"),
    "people_residenttag": ("resident_id", "people_resident"),
}
_EVENTS = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}
_INSERT = (
    f"INSERT INTO {CHANGES} (grid_id, weight) "  # noqa: S608 (constants only)
    "SELECT DISTINCT grid_id, 1 FROM ({grids}) g WHERE grid_id IS NOT NULL;"
)


def _sqlite_grid(row: str, column: str, via: str | None) -> str:
    if via is None:
        return f"SELECT {row}.{column} AS grid_id"
    return f"SELECT grid_id FROM {via} WHERE id = {row}.{column}"  # noqa: S608 (constants only)


def _sqlite_trigger(table: str, op: str, column: str, via: str | None) -> str:
    # An update that moves a row marks both grids; one that does not marks its grid once.
    grids = " UNION ".join(_sqlite_grid(row, column, via) for row in _EVENTS[op])
    body = _INSERT.format(grids=grids)
    return f"CREATE TRIGGER {table}_gridchange_{op.lower()} AFTER {op} ON {table} BEGIN {body} END"


SQLITE_CREATE = [
    _sqlite_trigger(table, op, column, via) for table, (column, via) in WATCHED.items() for op in _EVENTS
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_gridchange_{op.lower()}" for table in WATCHED for op in _EVENTS
]


def _postgres_grids(alias: str, column: str, via: str | None) -> str:
    """The grids of a transition table's rows, as one set-based SELECT."""
    if via is None:
        return f"SELECT {column} AS grid_id FROM {alias}"  # noqa: S608 (constants only)
    return f"SELECT v.grid_id FROM {alias} t JOIN {via} v ON v.id = t.{column}"  # noqa: S608


def _postgres_function(table: str, column: str, via: str | None) -> str:
    new, old = (_postgres_grids(alias, column, via) for alias in ("new_rows", "old_rows"))
    return f"""CREATE OR REPLACE FUNCTION {table}_gridchange() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        {_INSERT.format(grids=new)}
      ELSIF TG_OP = 'UPDATE' THEN
        {_INSERT.format(grids=f"{old} UNION {new}")}
      ELSE
        {_INSERT.format(grids=old)}
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql"""


_REFERENCING = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}
# Statement-level with transition tables: an import's batch of a thousand rows appends a row per grid,
# not per resident. PostgreSQL allows transition tables only on a trigger of one event, hence three.
POSTGRES_CREATE = [
    *[_postgres_function(table, column, via) for table, (column, via) in WATCHED.items()],
    *[
        f"""CREATE TRIGGER {table}_gridchange_{op.lower()} AFTER {op} ON {table}
        REFERENCING {_REFERENCING[op]} FOR EACH STATEMENT EXECUTE FUNCTION {table}_gridchange()"""
        for table in WATCHED
        for op in _EVENTS
    ],
]
POSTGRES_DROP = [
    *[
        f"DROP TRIGGER IF EXISTS {table}_gridchange_{op.lower()} ON {table}"
        for table in WATCHED
        for op in _EVENTS
    ],
    *[f"DROP FUNCTION IF EXISTS {table}_gridchange()" for table in WATCHED],
]


TRIGGERS = VendorStatements(
    "grid change triggers", SQLITE_CREATE, SQLITE_DROP, POSTGRES_CREATE, POSTGRES_DROP
)
statements = TRIGGERS.statements
apply = TRIGGERS.apply
