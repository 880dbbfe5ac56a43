"""A leaner bulk insert for AuditedQuerySet.bulk_create, when rows are plain values.

Django's bulk_create compiles every value of every row through several layers (expressions,
placeholders, per-field SQL), which for an import of tens of thousands of rows costs more than the
database's own work. Plain new rows — no primary key set, no expressions, no database defaults — need
none of it: each value goes through the field's own `pre_save` and `get_db_prep_save`, exactly as
Django's compiler would. Anything else returns None and the caller takes Django's way.

On PostgreSQL with psycopg 3 the rows go in with COPY, their keys drawn first from the column's own
sequence (one statement for all of them, no RETURNING needed); elsewhere one multi-row INSERT …
RETURNING per batch. COPY is one statement for the whole set, parses each value once and runs no
executor per row: the server's share of an import's writes, which is what its wall time waits on.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.models.fields import AutoFieldMixin

_PLAIN_VALUES = frozenset({type(None), bool, int, float, str, bytes})
_MAX_PARAMS = 30_000  # below PostgreSQL's limit (65,535) on one statement's parameters
# A single-row INSERT of parameters and nothing else: what COPY can take over, row for row.
_PLAIN_INSERT = re.compile(r"INSERT INTO (\"?\w+\"?) \(([\w\", ]+)\) VALUES \((?:%s, )*%s\)")
_SEQUENCES: dict[tuple[str, str], str | None] = {}  # (database name, table) → its key's sequence
Rows = list[list[Any]]


def max_params(db: Any) -> int:
    """Parameters one statement may carry. Django assumes SQLite's old default of 999; asking the
    library for its real limit (32,766 since 3.32) lets a batch of 1,000 rows go in one statement
    instead of twenty, which the database executes about a third faster."""
    if db.vendor != "sqlite":
        return _MAX_PARAMS
    db.ensure_connection()
    return min(_MAX_PARAMS, int(db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)))


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:  # psycopg2: Django's cursor, as it is
        return None
    return psycopg


def copies(db: Any) -> bool:
    """Whether bulk_cursor's executemany of a plain single-row INSERT is one COPY (PostgreSQL through
    psycopg 3, whose cursors speak COPY), which takes its rows as an iterator, as they are made."""
    if db.vendor != "postgresql":
        return False
    db.ensure_connection()
    psycopg = _psycopg()
    return psycopg is not None and isinstance(db.connection, psycopg.Connection)


def copy_rows(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY the rows into `table` (names already quoted), in text form: psycopg writes each value
    with the dumper it would bind it with, and the server reads it as the column's type."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return int(cursor.rowcount)


@functools.cache  # one class per process: building it on every call cost ~50 µs per statement
def _bulk_cursor_class(psycopg: Any) -> Any:
    class BulkCursor(psycopg.Cursor):  # type: ignore[misc, name-defined, unused-ignore]
        """executemany of a plain single-row INSERT streams the rows with COPY: the same rows, in the
        same order, through the same constraints and triggers, as one statement instead of one each."""

        def executemany(self, query: Any, params_seq: Iterable[Sequence[Any]], **kwargs: Any) -> None:
            found = _PLAIN_INSERT.fullmatch(query) if isinstance(query, str) and not kwargs else None
            if found is None:
                super().executemany(query, params_seq, **kwargs)
                return
            copy_rows(self, found[1], found[2].split(", "), params_seq)

    return BulkCursor


@contextmanager
def bulk_cursor(db: Any) -> Iterator[Any]:
    """A cursor for many rows of parameters: Django's, except on PostgreSQL with psycopg 3, where
    Django's cursor binds on the client (every value quoted into the SQL text in Python, the largest
    cost of a bulk insert there) and this one sends the values as parameters, as Django itself does
    with the `server_side_binding` option, and its executemany of a plain INSERT is a COPY. Errors
    come out as Django's, as from Django's cursor."""
    if not copies(db):
        with db.cursor() as cursor:
            yield cursor
        return
    with db.wrap_database_errors, _bulk_cursor_class(_psycopg())(db.connection) as cursor:
        yield cursor


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


def _sequence(cursor: Any, db: Any, model: type[models.Model]) -> str | None:
    """The sequence behind the model's key (an identity column's own), None when it has none."""
    table, column = model._meta.db_table, model._meta.pk.column
    key = (str(db.settings_dict["NAME"]), table)
    if key not in _SEQUENCES:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [db.ops.quote_name(table), column])
        _SEQUENCES[key] = cursor.fetchone()[0]
    return _SEQUENCES[key]


def _copy_new(cursor: Any, db: Any, model: type[models.Model], fields: list[Any], rows: Rows) -> list[Any]:
    """COPY the rows with keys drawn from the key's sequence beforehand, as the column default would
    draw them (so later inserts by default continue after them); the keys, in the rows' order."""
    sequence = _sequence(cursor, db, model)
    if sequence is None:
        return []
    cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(rows)])
    keys = sorted(key for (key,) in cursor.fetchall())  # ascending in the rows' order, as RETURNING was
    columns = [db.ops.quote_name(f.column) for f in (model._meta.pk, *fields)]
    table = db.ops.quote_name(model._meta.db_table)
    shapes = [(f, as_is(f, db)) for f in fields]
    # Prepared as they stream: the server stores the first rows while the next ones are prepared.
    prepared = ([key, *_quick(shapes, row, db)] for key, row in zip(keys, rows, strict=True))
    copy_rows(cursor, table, columns, prepared)
    return keys


def _quick(shapes: list[tuple[Any, tuple[type, ...]]], row: list[Any], db: Any) -> list[Any]:
    pairs = zip(shapes, row, strict=True)
    return [v if type(v) in as_is else f.get_db_prep_save(v, db) for (f, as_is), v in pairs]


_INTEGERS = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
)


def as_is(field: Any, db: Any) -> tuple[type, ...]:
    """The Python types whose values may be written just as pre_save gave them: get_db_prep_save returns
    them unchanged, or for integers on PostgreSQL only wraps them to name the parameter's type, which
    neither COPY's text nor an INSERT's parameter needs. Dates: PostgreSQL takes them as they are, and
    SQLite's date adapter (Django's adapt_date, isoformat) writes the text get_db_prep_save would make
    (str of the date). Exact classes only: a subclass may prepare its values otherwise. Half of an
    import's preparation time, skipped."""
    kind = type(field)
    if kind is models.ForeignKey:
        return as_is(field.target_field, db)
    if kind in (models.CharField, models.TextField):
        return (str, type(None))
    if kind in _INTEGERS:
        return (int, type(None))
    if kind is models.BooleanField:  # to_python keeps a bool
        return (bool, type(None))
    if kind is models.FloatField:  # float() of a float is itself
        return (float, type(None))
    if kind is models.DateField and not (field.auto_now or field.auto_now_add):
        return (dt.date, type(None)) if db.vendor in ("postgresql", "sqlite") else (type(None),)
    return ()


def _insert_batches(
    cursor: Any, db: Any, model: type[models.Model], fields: list[Any], rows: Rows, batch_size: int | None
) -> list[Any]:
    table = db.ops.quote_name(model._meta.db_table)
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    returning, _params = db.ops.return_insert_columns([model._meta.pk])
    unnest = _unnest_types(fields, db)
    if unnest is not None:
        # PostgreSQL without COPY: one array per column, as Django's own bulk insert there does (few
        # parameters to parse and plan, whatever the number of rows); RETURNING follows their order.
        arrays = ", ".join(f"(%s)::{db_type}[]" for db_type in unnest)
        sql = f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays}) {returning}"  # noqa: S608
        size = batch_size or len(rows)
    else:
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        size = min(batch_size or len(rows), max(1, max_params(db) // len(fields)))
    shapes = [(f, as_is(f, db)) for f in fields]
    keys: list[Any] = []
    for start in range(0, len(rows), size):
        batch = [_quick(shapes, row, db) for row in rows[start : start + size]]
        if unnest is not None:
            cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
        else:
            # Identifiers from the model's own metadata, quoted by the backend; values are parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))} {returning}"  # noqa: S608
            cursor.execute(sql, [value for row in batch for value in row])
        keys += [key for (key,) in cursor.fetchall()]  # what both backends' fetch_returned_insert_rows do
    return keys


# pre_save methods that, outside auto_now and auto_now_add, return the attribute as it is.
_PLAIN_PRE_SAVE = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)


def plain_reader(fields: Sequence[Any]) -> Callable[[Any], Sequence[Any]] | None:
    """One getter for each field's pre_save(obj, True) of an object, at C speed, where every field's
    is the plain attribute read (no auto_now, no custom pre_save); None where one is more."""
    if any(
        type(f).pre_save not in _PLAIN_PRE_SAVE
        or getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
        for f in fields
    ):
        return None
    read: Callable[[Any], Any] = attrgetter(*(f.attname for f in fields))
    return (lambda obj: (read(obj),)) if len(fields) == 1 else read


def _pre_saved(fields: list[Any], objs: Sequence[models.Model]) -> list[list[Any]]:
    """Each field's pre_save(obj, True) per object."""
    read = plain_reader(fields)
    if read is None:
        return [[f.pre_save(obj, True) for f in fields] for obj in objs]
    return [list(read(obj)) for obj in objs]


def _to_prepare(model: type[models.Model], objs: Sequence[models.Model]) -> Sequence[models.Model]:
    """The objects _prepare_for_bulk_create has anything to do for. With no key default and no private
    (generic) relation, that is those holding a related object that is unsaved, or whose key is not (or
    no longer) the one they hold: for the others it sets the key to None (as it is), finds every related
    object saved with its key in place, and (on SQLite) puts a database default in place of a
    DatabaseDefault value, which the expression check after it sends Django's way anyway."""
    opts, key = model._meta, model._meta.pk
    if opts.private_fields or key is None or key.has_default() or cast(Any, key).has_db_default():
        return objs
    relations = [
        (f.cache_name, f.attname, f.target_field.attname, f.empty_values)
        for f in cast(list[Any], opts.concrete_fields)
        if f.is_relation
    ]

    def needs(obj: models.Model) -> bool:
        cached = obj._state.fields_cache
        if not cached:
            return False
        for name, attname, target, empty in relations:
            related = cached.get(name)
            if not related:  # not cached, or None: nothing to check (as Django skips them)
                continue
            held = obj.__dict__.get(attname)
            if not related._is_pk_set() or held in empty or getattr(related, target) != held:
                return True
        return False

    return [obj for obj in objs if needs(obj)]


def insert_new(queryset: models.QuerySet[Any], objs: Sequence[models.Model], batch_size: int | None) -> bool:
    """Insert `objs` (none saved yet) and give them their primary keys; False when not eligible."""
    db = connections[queryset.db]
    model = queryset.model
    fields = _eligible_fields(model, db)
    if fields is None or not objs or any(o.pk is not None for o in objs):
        return False
    # Django's own preparation: related objects' keys copied in, unsaved related objects refused.
    queryset._prepare_for_bulk_create(_to_prepare(model, objs))  # type: ignore[attr-defined]
    # The compiler's order: pre_save, then an expression is compiled into the SQL, anything else goes
    # through get_db_prep_save (in _quick, once the set is known to take this path).
    rows = _pre_saved(fields, objs)
    if any(type(v) not in _PLAIN_VALUES and hasattr(v, "resolve_expression") for row in rows for v in row):
        return False
    with transaction.atomic(using=queryset.db, savepoint=False), bulk_cursor(db) as cursor:
        # COPY takes the whole set at once: a batch size limits a statement's text, which it has none of.
        keys = _copy_new(cursor, db, model, fields, rows) if copies(db) else []
        if not keys:
            keys = _insert_batches(cursor, db, model, fields, rows, batch_size)
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = queryset.db
    return True


def maker(model: type[models.Model]) -> Callable[..., Any]:
    """A constructor equal to `model(**values)` for new rows, for building tens of thousands of them.

    Model.__init__ walks every field per object (popping keyword arguments, asking each field for its
    default): a quarter of an import's writing time. Here the defaults are taken once, and each object
    is the defaults' dict updated with its values, related objects set as their descriptors set them
    in __init__ (key copied, object cached, databases settled); a callable default is called for each
    object not given that value, as __init__ calls it. Models whose construction does more — a database
    default, a generated or private field, a computed default of a relation, init signals — get `model`
    itself.
    """
    from django.db.models.base import ModelState
    from django.db.models.signals import post_init, pre_init

    opts = model._meta
    fields: list[Any] = [f for f in opts.fields if f.column is not None]
    if (
        opts.private_fields
        or pre_init.has_listeners(model)
        or post_init.has_listeners(model)
        or any(f.generated or f.has_db_default() for f in fields)
        or any(f.is_relation and f.has_default() and callable(f.default) for f in fields)
    ):
        return model
    computed = [(f.attname, f.get_default) for f in fields if f.has_default() and callable(f.default)]
    later = {attname for attname, _get in computed}
    defaults = {f.attname: None if f.attname in later else f.get_default() for f in fields}
    related = frozenset(f.name for f in fields if f.is_relation)
    accepted = defaults.keys() | related
    # A many-to-one relation to a saved object, without database routers: what its descriptor's __set__
    # does then, without asking the router each time (the default routing: the object's database, or
    # the default one; a relation only within one database). Anything else goes through the descriptor.
    direct = {
        f.name: (f.attname, f.target_field.attname, f.remote_field.model._meta.concrete_model, f.cache_name)
        for f in fields
        if f.many_to_one and len(f.related_fields) == 1
    }
    routed = bool(router.routers)

    def make(**values: Any) -> Any:
        if not values.keys() <= accepted:
            return model(**values)  # Django's own error for an unknown name
        obj = model.__new__(model)
        state = obj._state = ModelState()
        data = obj.__dict__
        data.update(defaults)
        for attname, default in computed:
            if attname not in values:
                data[attname] = default()
        for name, value in values.items():
            if name not in related:
                data[name] = value
                continue
            shape = direct.get(name)
            if shape is None or routed or value is None or not isinstance(value, shape[2]):
                setattr(obj, name, value)  # the descriptor, and its errors
                continue
            state.db = state.db or value._state.db or DEFAULT_DB_ALIAS
            value._state.db = value._state.db or state.db
            if value._state.db != state.db:
                setattr(obj, name, value)  # Django's error: a relation across databases
            data[shape[0]] = getattr(value, shape[1])
            state.fields_cache[shape[3]] = value
        return obj

    return make


_Made = TypeVar("_Made", bound=models.Model)
_made = functools.cache(maker)


def made(model: type[_Made]) -> Callable[..., _Made]:
    """maker(model), built once per model on first use (when every app's signals are connected): for
    the constructors a hot path calls on every request."""
    return cast(Callable[..., _Made], _made(model))
