"""New rows and their audit entries in one statement on PostgreSQL: intake's way of storing a case.

Through the ORM a new case is a transaction of seven statements (BEGIN, the case, reporter, first
event and notification, their audit entries, COMMIT), each compiled by Django and planned by the
database. Here it is one: the primary keys of the audited rows are drawn from their sequences
beforehand (in the round trip that reads the reference stamp, see `key_sql`), so that each row's
audit entry — the one save() would write, content hash included — can be computed before anything is
sent; then every row goes in as an INSERT inside a single WITH, whose own SELECT may read something
back (intake's duplicates). A statement is atomic by itself: everything is stored, or nothing.

What save() does besides its INSERT happens here too: pre_save and post_save are sent, each value
goes through its field's `pre_save` and `get_db_prep_save`, related keys are copied in as save()
copies them, and the instances end up saved, with the snapshot the next update compares against.
The statement is prepared once per connection and shape (gridgov.core.prepared): PostgreSQL parses
it once and plans it once, where planning it each time was most of its work.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.signals import post_save, pre_save
from psycopg.types.json import Jsonb  # psycopg 3, gridgov's driver: bulk_cursor() is its cursor

from gridgov.core import audit, prepared
from gridgov.core import collect as _collect
from gridgov.core.grouped import Grouped
from gridgov.core.models.audit import AuditEntry
from gridgov.core.models.base import AuditedModel
from gridgov.core.models.insert import as_is, plain_reader


def available(model: type[models.Model]) -> bool:
    """Whether rows of `model` (and their trail) may be stored this way now: on PostgreSQL, in the
    trail's database, and not inside an audit.collect() block (its queued entries go in first)."""
    alias = router.db_for_write(model)
    return (
        connections[alias].vendor == "postgresql"
        and alias == router.db_for_write(AuditEntry)
        and _collect.queue(alias) is None
    )


def key_sql(model: type[models.Model], count: int) -> str:
    """An SQL expression for `count` new primary keys of `model`, as an array (for get_with())."""
    if not count:
        return "'{}'::bigint[]"
    alias = router.db_for_write(model)
    table, column = model._meta.db_table, model._meta.pk.column
    sequence = _SEQUENCES.get((alias, table, column))
    if sequence is None:
        # Asked once per process: pg_get_serial_sequence() in the statement itself would be asked on
        # every execution (it is not a constant to PostgreSQL), the regclass below is resolved once.
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = str(cursor.fetchone()[0]).replace("'", "''")
        _SEQUENCES[(alias, table, column)] = sequence
    draw = f"nextval('{sequence}'::regclass)"
    return f"ARRAY[{', '.join([draw] * count)}]"


_SEQUENCES: dict[tuple[str, str, str], str] = {}  # (database, table, column): its key's sequence


@dataclass(frozen=True, slots=True)
class _Shape:
    """How one model's rows go in: the INSERT, its fields, and how their values are read and prepared."""

    insert: str
    fields: list[Any]
    read: Callable[[Any], Sequence[Any]] | None  # insert.plain_reader: one getter for every pre_save
    as_is: list[tuple[type, ...]]  # per field, the types get_db_prep_save would hand on unchanged
    # An audited model's fields for _row_and_snapshot (None where it cannot be used: see there).
    walk: tuple[_Step, ...] | None


# One field of _row_and_snapshot's walk: (column, field, types get_db_prep_save hands on unchanged,
# whether an aware datetime goes as its ISO text — a plain DateTimeField on PostgreSQL, snapshotted as it
# is —, attname, redacted in the snapshot, the field where the snapshot's value is not the attribute).
_Step = tuple[str, Any, tuple[type, ...], bool, str, bool, Any]


_SHAPES: dict[tuple[type[models.Model], bool, str], _Shape] = {}


def _insert(table: str, columns: Sequence[str]) -> str:
    """An INSERT of the rows of one JSON array parameter, in the array's order (the trail's order);
    `{guard}` is where a guarded write puts its condition (see write())."""
    names = ", ".join(f'"{c}"' for c in columns)
    # Identifiers from the models' own metadata; every value is in the parameter.
    return (
        f'INSERT INTO "{table}" ({names}) SELECT {names} FROM '  # noqa: S608
        f'json_populate_recordset(NULL::"{table}", %s::json) WITH ORDINALITY{{guard}} ORDER BY ordinality'
    )


_GUARDED = " WHERE (SELECT held FROM guard)"


def _shape(model: type[models.Model], keyed: bool, db: Any) -> _Shape:
    """The INSERT of `model`'s rows (the primary key only when `keyed`) and how to read its values."""
    known = _SHAPES.get((model, keyed, db.vendor))
    if known is None:
        opts = model._meta
        fields: list[Any] = [f for f in opts.concrete_fields if keyed or f is not opts.pk]
        if any(f.generated or f.has_db_default() or hasattr(f, "get_placeholder") for f in fields):
            raise TypeError(f"{opts.label}: columns the database fills are not stored this way")
        read, kept = plain_reader(fields), [as_is(f, db) for f in fields]
        walk = None
        plan = {attname: (redacted, special) for attname, redacted, special in audit.snapshot_plan(model)}
        if keyed and read is not None and [f.attname for f in fields] == list(plan):
            walk = tuple(
                (
                    f.column,
                    f,
                    k,
                    _aware(f, db) and plan[f.attname] == (False, None),
                    f.attname,
                    *plan[f.attname],
                )
                for f, k in zip(fields, kept, strict=True)
            )
        known = _Shape(_insert(opts.db_table, [f.column for f in fields]), fields, read, kept, walk)
        _SHAPES[(model, keyed, db.vendor)] = known
    return known


def _aware(field: Any, db: Any) -> bool:
    """Whether get_db_prep_save hands an aware datetime on unchanged (Django's DateTimeField itself, on
    PostgreSQL: to_python keeps a datetime, adapt_datetimefield_value returns it as it is)."""
    plain = type(field) is models.DateTimeField and not (field.auto_now or field.auto_now_add)
    return plain and db.vendor == "postgresql"


def _json(value: Any) -> Any:
    """A value as Django prepared it for PostgreSQL, as the JSON that PostgreSQL reads back into
    the column's type unchanged (timestamps to the microsecond, floats to the bit)."""
    if value is None or isinstance(value, bool | int | float | str):  # choices are str and int
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise TypeError("naive datetimes are not stored this way")
        return value.isoformat()
    if isinstance(value, dt.date | dt.time | decimal.Decimal | uuid.UUID):
        return value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)
    if isinstance(value, Jsonb):  # a JSONField's value, encoded as Django would encode it
        return json.loads((value.dumps or json.dumps)(value.obj))
    raise TypeError(f"{type(value).__name__} values are not stored this way")


def _values(obj: models.Model, shape: _Shape, db: Any) -> dict[str, Any]:
    """The row save() would send, as insert.py prepares a bulk create's: pre_save, then
    get_db_prep_save where it could change the value."""
    fields = shape.fields
    raw = shape.read(obj) if shape.read is not None else [f.pre_save(obj, True) for f in fields]
    return {
        f.column: _json(v if type(v) in kept else f.get_db_prep_save(v, db))
        for f, kept, v in zip(fields, shape.as_is, raw, strict=True)
    }


def _row_and_snapshot(obj: models.Model, shape: _Shape, db: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """_values(obj) and audit.snapshot(obj) of a new row, in one walk over its values: the same two
    dicts. Only for shapes with a `walk`: every value the plain attribute (so the snapshot, which
    reads the attributes after pre_save, reads the values pre_save gave) and every field snapshotted."""
    assert shape.walk is not None and shape.read is not None
    row: dict[str, Any] = {}
    after: dict[str, Any] = {}
    plain = audit.PLAIN  # what _json and the snapshot both keep as it is
    for (column, field, kept, aware, attname, redacted, special), v in zip(
        shape.walk, shape.read(obj), strict=True
    ):
        t = type(v)
        if aware and t is dt.datetime and v.tzinfo is not None:
            row[column] = after[attname] = v.isoformat()
            continue
        if t in kept:
            row[column] = v if t in plain else _json(v)
        else:
            row[column] = _json(field.get_db_prep_save(v, db))
        s = v if special is None else special.value_from_object(obj)
        if redacted and s not in (None, ""):
            s = audit.redacted_value(s)
        after[attname] = s if type(s) in plain else audit.jsonable(s)
    return row, after


# Per model: (cache name, attname, target attname, empty values) of each relation; None where the model
# has private fields (generic relations), which only Django's own check handles.
_RELATIONS: dict[type[models.Model], list[tuple[str, str, str, Any]] | None] = {}


def _related_ready(obj: models.Model) -> None:
    """save()'s own check and copy of related keys (Model._prepare_related_fields_for_save) over the
    model's relations only: a related object held, saved, with its key in place passes as it passes
    there; anything else (unsaved, key not yet copied, generic relations) goes to Django's."""
    model = type(obj)
    if model not in _RELATIONS:
        fields: list[Any] = [f for f in model._meta.concrete_fields if f.is_relation]
        _RELATIONS[model] = None if model._meta.private_fields else [
            (f.cache_name, f.attname, f.target_field.attname, f.empty_values) for f in fields
        ]  # fmt: skip
    relations = _RELATIONS[model]
    if relations is None or not _keys_in_place(obj, relations):
        obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]


def _keys_in_place(obj: models.Model, relations: list[tuple[str, str, str, Any]]) -> bool:
    cache, data = obj._state.fields_cache, obj.__dict__
    for cache_name, attname, target, empty in relations:
        related = cache.get(cache_name)
        if not related:
            continue
        key = data.get(attname)
        if related.pk is None or key in empty:
            return False
        if getattr(related, target) != key:
            del cache[cache_name]  # the relation's key was changed since: Django drops it so
    return True


Row = dict[str, Any] | str  # a row's values, or the JSON object of them (see write())


@dataclass(frozen=True, slots=True)
class Written:
    """What write() did: `stored` is False only where its guard did not hold (then nothing was
    written); `also` are the values of its `also` expressions; `rows` the rows of its `read` query."""

    stored: bool
    also: tuple[Any, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class _Ready:
    """One write()'s statement parts, its rows made: what a group (gridgov.core.grouped) sends together."""

    alias: str
    parts: list[tuple[str, list[Row]]]  # an INSERT and its rows, per run of one table
    read: tuple[str, Sequence[Any]] | None
    guard: tuple[str, Sequence[Any]] | None
    also: Sequence[str]


def write(
    audited: Sequence[AuditedModel],
    plain: Sequence[models.Model] = (),
    read: tuple[str, Sequence[Any]] | None = None,
    *,
    guard: tuple[str, Sequence[Any]] | None = None,
    also: Sequence[str] = (),
) -> Written:
    """Insert `audited` (primary keys already drawn, in the order save() would write them) with their
    audit entries, and `plain` (unaudited rows whose keys nobody reads: the database gives them), in
    one statement that ends with the `read` query (sql, params), if any.

    `guard` (sql, params): a condition the statement checks before it writes anything — every row goes
    in only where it holds, in the statement's one snapshot; intake's check that the reference data it
    used is still the database's, without a round trip of its own. `also`: SQL expressions (constants
    of the caller's) evaluated in the same statement: intake draws the next intake's keys so.

    Outside a transaction the statement may carry other threads' writes too (see `_group`): it is
    still all or nothing for each write, and each is told only its own results."""
    if not audited:
        raise ValueError("nothing audited to store")
    alias = router.db_for_write(type(audited[0]))
    db = connections[alias]
    made: list[tuple[str, dict[str, Any]]] = []  # each row's INSERT and its values
    created: list[tuple[models.Model, dict[str, Any]]] = []
    for obj, keyed in [*((o, True) for o in audited), *((o, False) for o in plain)]:
        if keyed:
            if obj.pk is None:
                raise ValueError(f"{obj._meta.label}: draw its primary key first (key_sql)")
            pre_save.send(type(obj), instance=obj, raw=False, using=alias, update_fields=None)
        _related_ready(obj)
        shape = _shape(type(obj), keyed, db)
        if keyed and shape.walk is not None:
            row, after = _row_and_snapshot(obj, shape, db)
        else:
            row = _values(obj, shape, db)
            # as save() takes it, after the INSERT's values
            after = audit.snapshot(obj) if keyed else {}
        made.append((shape.insert, row))
        if keyed:
            created.append((obj, after))
    texts, trail = audit.create_json(created)
    # A new row whose snapshot has the row's own columns and values (nothing redacted) goes as the
    # snapshot's text: encoded once, for its trail entry and its INSERT alike.
    rows: list[Row] = [row for _insert, row in made]
    # (the audited rows come first in `made`, in the order of `created`)
    for n, ((_obj, after), text) in enumerate(zip(created, texts, strict=True)):
        if after == rows[n]:
            rows[n] = text
    parts: list[tuple[str, list[Row]]] = []  # an INSERT and its rows, per run of one table
    for (insert, _row), sent in zip(made, rows, strict=True):
        if parts and parts[-1][0] == insert:
            parts[-1][1].append(sent)
        else:
            parts.append((insert, [sent]))
    parts.append((_TRAIL_INSERT, list(trail)))
    ready = _Ready(alias, parts, read, guard, also)
    if db.in_atomic_block:
        # Inside a transaction an error must doom it, as in save() (savepoint=False), and the statement
        # is the caller's transaction's alone.
        with transaction.atomic(using=alias, savepoint=False):
            written = _send([ready])[0]
    else:
        written = _group.submit(alias, ready)
    if not written.stored:
        return written
    for obj, after in created:
        obj._state.adding, obj._state.db = False, alias
        obj._audit_before = after  # type: ignore[attr-defined]
    for obj in plain:
        obj._state.db = alias  # bulk_create's rows: no signals, keys unread
    for obj in audited:
        post_save.send(type(obj), instance=obj, created=True, update_fields=None, raw=False, using=alias)
    return written


class _NotHeld(Exception):
    """A group's guards did not all hold: each write is sent again alone, to its own guard."""


def _send(group: list[_Ready]) -> list[Written]:
    """One statement for the writes of `group`, on this thread's connection; one Written per write."""
    db = connections[group[0].alias]
    sql, params = _statement(group)
    reads = any(r.read is not None for r in group)
    # Results in binary: psycopg's own loaders read timestamps several times faster than the text
    # loader Django registers (the same instants, in UTC).
    rows = prepared.fetch(db, sql, params, binary=reads)
    # The row(s): whether the guards held, every write's `also` values, then which write a row of the
    # reads belongs to (NULL where no read has a row: that one row only carries the rest) and its values.
    held, alsos = bool(rows[0][0]), sum(len(r.also) for r in group)
    if not held and len(group) > 1:
        raise _NotHeld
    found: list[list[tuple[Any, ...]]] = [[] for _r in group]
    for row in rows:
        if row[alsos + 1] is not None:
            found[row[alsos + 1]].append(row[alsos + 2 :])
    written, at = [], 1
    for ready, mine in zip(group, found, strict=True):
        written.append(Written(held, tuple(rows[0][at : at + len(ready.also)]), mine))
        at += len(ready.also)
    return written


_group: Grouped[_Ready, Written] = Grouped(_send, limit=8)


_TRAIL_INSERT = _insert(audit.TABLE, audit.COLUMNS)


def _statement(group: list[_Ready]) -> tuple[str, list[Any]]:
    """The one statement: the guards and each table's INSERT (the rows of every write of the group, in
    order) a part of a WITH, then one row of the guards' answer and the `also` values, with the reads'
    rows joined to it, each after the number of the write it belongs to (see write())."""
    tables: dict[str, list[Row]] = {}
    for ready in group:
        for part, rows in ready.parts:
            tables.setdefault(part, []).extend(rows)
    guards = list(dict.fromkeys((g[0], tuple(g[1])) for r in group if (g := r.guard) is not None))
    inserts = [(part.format(guard=_GUARDED if guards else ""), _dumps(rows)) for part, rows in tables.items()]
    ctes = [f"w{n} AS ({part})" for n, (part, _rows) in enumerate(inserts)]
    if guards:
        ctes.insert(0, "guard AS (SELECT " + " AND ".join(f"({g})" for g, _p in guards) + " AS held)")
    held = "(SELECT held FROM guard)" if guards else "true"
    # The reads as a lateral join of one row: the guards and the `also` values come back with no read
    # rows too. Their own rows carry the number of their write in the column before theirs.
    reads = [(n, r.read) for n, r in enumerate(group) if r.read is not None]
    body = " UNION ALL ".join(f"(SELECT {n}, r.* FROM ({read[0]}) AS r)" for n, read in reads)  # noqa: S608
    also = [e for r in group for e in r.also]
    sql = f"WITH {', '.join(ctes)} SELECT {', '.join([held, *also])}, x.* FROM (SELECT 1) AS one"  # noqa: S608
    sql += f" LEFT JOIN LATERAL ({body or 'SELECT NULL::integer'}) AS x ON true"
    params = [v for _g, p in guards for v in p] + [rows for _part, rows in inserts]
    params += [v for _n, read in reads for v in read[1]]
    return sql, params


def _dumps(rows: list[Row]) -> str:
    """The rows as one JSON array; a row given as text is JSON already (see write())."""
    if all(type(row) is dict for row in rows):
        return audit.ROW_ENCODER.encode(rows)
    encode = audit.ROW_ENCODER.encode
    return "[" + ",".join(row if type(row) is str else encode(row) for row in rows) + "]"
