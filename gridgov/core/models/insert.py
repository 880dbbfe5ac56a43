"""A leaner bulk insert for AuditedQuerySet.bulk_create, when rows are plain values.

Django's bulk_create compiles every value of every row through several layers (expressions,
placeholders, per-field SQL), which for an import of tens of thousands of rows costs more than the
database's own work. Plain new rows — no primary key set, no expressions, no database defaults — need
none of it: each value goes through the field's own `pre_save` and `get_db_prep_save`, exactly as
Django's compiler would, into one multi-row INSERT … RETURNING per batch. Anything else returns None
and the caller takes Django's way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, models, transaction
from django.db.models.fields import AutoFieldMixin

_PLAIN_VALUES = frozenset({type(None), bool, int, float, str, bytes})
_MAX_PARAMS = 30_000  # below PostgreSQL's limit (65,535) on one statement's parameters


def max_params(db: Any) -> int:
    """Parameters one statement may carry. Django assumes SQLite's old default of 999; asking the
    library for its real limit (32,766 since 3.32) lets a batch of 1,000 rows go in one statement
    instead of twenty, which the database executes about a third faster."""
    if db.vendor != "sqlite":
        return _MAX_PARAMS
    db.ensure_connection()
    return min(_MAX_PARAMS, int(db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)))


@contextmanager
def bulk_cursor(db: Any) -> Iterator[Any]:
    """A cursor for many rows of parameters: Django's, except on PostgreSQL with psycopg 3, where
    Django's cursor binds on the client (every value quoted into the SQL text in Python, the largest
    cost of a bulk insert there) and this one sends the values as parameters, as Django itself does
    with the `server_side_binding` option. Errors come out as Django's, as from Django's cursor."""
    db.ensure_connection()
    psycopg = _psycopg() if db.vendor == "postgresql" else None
    if psycopg is None or not isinstance(db.connection, psycopg.Connection):
        with db.cursor() as cursor:
            yield cursor
        return
    with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
        yield cursor


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:  # psycopg2: Django's cursor, as it is
        return None
    return psycopg


def _unnest_types(fields: list[Any], db: Any) -> list[str] | None:
    """PostgreSQL array types to UNNEST the columns from, under Django's own conditions for it."""
    if db.vendor != "postgresql":
        return None
    if any((f.target_field if f.is_relation else f).get_internal_type() not in db.data_types for f in fields):
        return None
    # Without the type's parameters, as Django does: varchar[] rather than varchar(60)[].
    return [f.db_type(db).split("(")[0] for f in fields]


def _eligible_fields(model: type[models.Model], db: Any) -> list[Any] | None:
    opts = model._meta
    if opts.parents or not isinstance(opts.pk, AutoFieldMixin) or opts.db_returning_fields != [opts.pk]:
        return None
    if not db.features.can_return_rows_from_bulk_insert:
        return None
    fields = [f for f in opts.concrete_fields if f is not opts.pk]
    # Generated columns, database defaults and custom placeholders are what the compiler handles.
    if any(f.generated or f.has_db_default() or hasattr(f, "get_placeholder") for f in fields):
        return None
    return fields


def insert_new(queryset: models.QuerySet[Any], objs: Sequence[models.Model], batch_size: int | None) -> bool:
    """Insert `objs` (none saved yet) and give them their primary keys; False when not eligible."""
    db = connections[queryset.db]
    fields = _eligible_fields(queryset.model, db)
    if fields is None or not objs or any(o.pk is not None for o in objs):
        return False
    # Django's own preparation: related objects' keys copied in, unsaved related objects refused.
    queryset._prepare_for_bulk_create(objs)  # type: ignore[attr-defined]
    rows = []
    for obj in objs:
        row = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
        if any(type(v) not in _PLAIN_VALUES and hasattr(v, "resolve_expression") for v in row):
            return False  # an expression: Django compiles it into the SQL
        rows.append(row)
    table = db.ops.quote_name(queryset.model._meta.db_table)
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    returning, _params = db.ops.return_insert_columns([queryset.model._meta.pk])
    unnest = _unnest_types(fields, db)
    if unnest is not None:
        # PostgreSQL: one array per column, as Django's own bulk insert there does (few parameters to
        # parse and plan, whatever the number of rows); RETURNING follows the arrays' order.
        arrays = ", ".join(f"(%s)::{db_type}[]" for db_type in unnest)
        sql = f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays}) {returning}"  # noqa: S608
        size = batch_size or len(rows)
    else:
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        size = min(batch_size or len(rows), max(1, max_params(db) // len(fields)))
    with transaction.atomic(using=queryset.db, savepoint=False), bulk_cursor(db) as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            if unnest is not None:
                cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
            else:
                # Identifiers from the model's own metadata, quoted by the backend; values are parameters.
                sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))} {returning}"  # noqa: S608
                cursor.execute(sql, [value for row in batch for value in row])
            keys = cursor.fetchall()  # what both backends' fetch_returned_insert_rows do
            for obj, (key,) in zip(objs[start : start + size], keys, strict=True):
                obj.pk = key
                obj._state.adding = False
                obj._state.db = queryset.db
    return True
