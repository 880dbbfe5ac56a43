"""The audit trail (可追溯): record writes and views of personal data, seal, verify, prune.

Entries are written in the caller's transaction. Sealing — giving each entry its place `seq` in the
SHA-256 chain — happens afterwards in one short transaction (the worker does it every second, and
`gridgov audit verify` first), so concurrent writers never hold the chain head while their own
transactions are open.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone

from gridgov.core import collect as _collect
from gridgov.core import context
from gridgov.core.models.audit import AuditEntry
from gridgov.core.models.insert import bulk_cursor, copies, max_params
from gridgov.core.triggers import CONTENT_COLUMNS

GENESIS = "0" * 64
REDACTED = "<redacted>"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return REDACTED
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return str(value)


def canonical(data: Any) -> str:
    return _dumps(_jsonable(data))


# json.dumps with options builds an encoder per call; snapshots and entries take tens of thousands.
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# A JSON string as _dumps writes one (ensure_ascii off): canonical lists and the JSON rows share it.
_quoted = json.encoder.encode_basestring
# Rows as a JSON-reading INSERT takes them (create_json's, and their writer's own).
ROW_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _dumps(data: Any) -> str:
    # For data already made JSON-able (snapshots are): _jsonable of its own output changes nothing.
    return _ENCODER.encode(data)


_PLAIN = frozenset({type(None), bool, int, float, str})
PLAIN = _PLAIN  # the types a snapshot keeps as they are (see jsonable())
# Per model class: its redaction set, and (attname, redacted?, field or None when the value is simply
# the attribute) for each concrete field. Built once, so snapshotting thousands of rows of one import
# does not ask `_meta` and the field classes the same questions for every row.
_SHAPES: dict[type[models.Model], tuple[frozenset[str], tuple[tuple[str, bool, Any], ...]]] = {}


def _shape(model: type[models.Model], redacted: frozenset[str]) -> tuple[tuple[str, bool, Any], ...]:
    known = _SHAPES.get(model)
    if known is not None and known[0] is redacted:
        return known[1]

    # Plain: the value is the loaded attribute itself (Field.value_from_object through the default
    # descriptors). A file field, say, hands out a wrapper instead: those go through value_from_object.
    def plain(f: Any) -> bool:
        return type(f).value_from_object is models.Field.value_from_object and f.descriptor_class in (
            DeferredAttribute,
            ForeignKeyDeferredAttribute,
        )

    fields = tuple(
        (f.attname, f.name in redacted, None if plain(f) else f) for f in model._meta.concrete_fields
    )
    _SHAPES[model] = (redacted, fields)
    return fields


def redacted_value(value: Any) -> str:
    # Keep a digest so that "changed or not" stays visible without the value itself.
    return "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()[:16]


def snapshot_plan(model: type[models.Model]) -> tuple[tuple[str, bool, Any], ...]:
    """How snapshot() reads `model`'s rows, for a writer that walks a new row's values once for both its
    INSERT and its snapshot: per concrete field, (attname, redacted?, the field where the value is not
    simply the attribute, else None). A redacted value becomes redacted_value(value) unless empty."""
    return _shape(model, getattr(model, "audit_redacted", frozenset()))


def jsonable(value: Any) -> Any:
    """A snapshot's form of a value that is not plain text, number, bool or None."""
    return _jsonable(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    redacted: frozenset[str] = getattr(instance, "audit_redacted", frozenset())
    loaded = instance.__dict__
    values: dict[str, Any] = {}
    for attname, redact, field in _shape(type(instance), redacted):
        # A deferred field is not loaded: reading it would load it, which calls from_db, which
        # snapshots… (this is Model.get_deferred_fields' own test, without building its set per row).
        if attname not in loaded:
            continue
        value = loaded[attname] if field is None else field.value_from_object(instance)
        if redact and value not in (None, ""):
            value = redacted_value(value)
        values[attname] = value if type(value) in _PLAIN else _jsonable(value)
    return values


def _label(instance: models.Model) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


@dataclass(frozen=True, slots=True)
class _Pending:
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: str
    reason: str = ""


# The columns the writer fills, in the order of content_hash's canonical list: the content columns the
# append-only triggers guard, less the hash itself.
_HASHED = tuple(c for c in CONTENT_COLUMNS if c != "content_hash")


# The same table and columns as the sealer's UPDATE below; the test suite checks they match the model.
_INSERT = (
    "INSERT INTO core_auditentry (at, actor_id, actor_name, role, source, request_id, ip, action,"
    " object_type, object_id, object_repr, changes, reason, content_hash, seq, chain_hash)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _hash_of(values: Sequence[Any], prefix: str = "") -> str:
    """content_hash of the _HASHED values, `at` already as its UTC ISO text.

    `prefix` is canonical() of the leading values without its closing bracket, when a batch shares them:
    a canonical list is its items' canonical texts joined by commas, so the rest can be appended.
    """
    rest = list(values)
    # Text and numbers are what _jsonable leaves as they are: skip its walk when they are all there is.
    text = _dumps(rest) if all(type(v) in _PLAIN for v in rest) else canonical(rest)
    if prefix:
        text = f"{prefix},{text[1:]}"
    return hashlib.sha256(text.encode()).hexdigest()


def content_hash(entry: AuditEntry) -> str:
    at = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return _hash_of([at, *(getattr(entry, name) for name in _HASHED[1:])])


def chain_hash(previous: str, seq: int, content: str) -> str:
    return hashlib.sha256(f"{previous}:{seq}:{content}".encode()).hexdigest()


Six = tuple[str, str, str, str, str, str]  # an entry's own values, in _INSERT's order


def _what(item: _Pending) -> Six:
    cut = (item.object_id[:64], item.object_repr[:200], item.changes, item.reason[:500])
    return (item.action, item.object_type, *cut)


def _batch() -> tuple[dt.datetime, str, tuple[Any, ...], str]:
    """What a batch of entries shares: the time (and its UTC text, as content_hash reads it), who
    acted, and the canonical text of both without its closing bracket (see _hash_of's `prefix`)."""
    ctx = context.current()
    now = timezone.now()
    at = now.astimezone(dt.UTC).isoformat(timespec="microseconds")
    who = (ctx.actor_id, ctx.actor_name[:150], ctx.role, ctx.source, ctx.request_id, ctx.ip)
    return now, at, who, canonical([at, *who])[:-1]


def _lazy(whats: Iterable[Six]) -> tuple[str, Iterator[tuple[Any, ...]]]:
    """_rows' rows, each made when it is taken: the actor and the time are the same for all of them."""
    now, _at, who, shared = _batch()
    alias = router.db_for_write(AuditEntry)
    head = (AuditEntry._meta.get_field("at").get_db_prep_save(now, connections[alias]), *who)

    def finish(what: Six) -> tuple[Any, ...]:
        return (*head, *what, _entry_hash(shared, ",".join(map(_quoted, what))), None, "")

    return alias, map(finish, whats)


def _entry_hash(shared: str, listed: str) -> str:
    """An entry's content_hash from `shared` (its time and actor, see _batch) and `listed`: its six
    texts quoted and joined by commas. All are text, which _jsonable leaves as it is: _hash_of's
    canonical list, without its walk."""
    return hashlib.sha256(f"{shared},{listed}]".encode()).hexdigest()


def _write(items: Sequence[_Pending]) -> None:
    """Insert the entries in the caller's transaction (or queue them, in collect()).

    Not through the ORM's bulk_create: for an import's tens of thousands of entries its per-value
    preparation and the returned ids (unused here) cost more than the rest of the import's writes.
    """
    if items:
        _insert(*_lazy(map(_what, items)))


def _insert(alias: str, rows: Iterator[tuple[Any, ...]]) -> None:
    """The finished rows into the trail. On PostgreSQL they are made as the COPY takes them, so the
    server stores the first while the next are made; SQLite's executemany runs one row at a time, and
    a multi-row INSERT stores them faster."""
    queued = _collect.queue(alias)
    if queued is not None:
        queued.extend(rows)  # finished rows: collect() only defers their INSERT
    elif copies(db := connections[alias]):
        with bulk_cursor(db) as cursor:
            cursor.executemany(_INSERT, rows)
    else:
        _insert_together(db, list(rows))


def create_json(created: Sequence[tuple[models.Model, dict[str, Any]]]) -> tuple[list[str], list[str]]:
    """For a writer that inserts new rows and their trail in a statement of its own, reading JSON
    (intake's single statement on PostgreSQL): for each (instance, snapshot), the snapshot's canonical
    JSON, and the trail entry record_create would write as a JSON object of its columns — the same
    values and content hash. The snapshot is encoded once, for the entry's `changes`; its text is also
    the row itself where the row's columns are the snapshot's keys with the same values. The instances
    must have their primary keys."""
    _now, at, who, shared = _batch()
    head = ROW_ENCODER.encode(dict(zip(COLUMNS, (at, *who), strict=False)))[:-1]
    texts, rows = [], []
    for instance, after in created:
        text = _dumps(after)
        what = (_label(instance), str(instance.pk)[:64], str(instance)[:200], '{"after":' + text + "}")
        action, kind, key, shown, changes, reason = map(_quoted, ("create", *what, ""))
        digest = _entry_hash(shared, f"{action},{kind},{key},{shown},{changes},{reason}")
        texts.append(text)
        rows.append(
            f'{head},"action":{action},"object_type":{kind},"object_id":{key},"object_repr":{shown},'
            f'"changes":{changes},"reason":{reason},"content_hash":"{digest}","seq":null,"chain_hash":""}}'
        )
    return texts, rows


_HEAD, _VALUES = _INSERT.split(" VALUES ")
# The trail's table and the columns of a finished row, in order: for writers that insert rows their own
# way (intake's single statement on PostgreSQL).
TABLE = AuditEntry._meta.db_table
COLUMNS = tuple(c.strip() for c in _HEAD.split("(", 1)[1].rstrip(")").split(","))


def insert_sql(count: int) -> str:
    """One INSERT of `count` finished rows (as _rows and create_rows make them)."""
    return f"{_HEAD} VALUES {', '.join([_VALUES] * count)}"


def _insert_together(db: Any, rows: list[tuple[Any, ...]]) -> None:
    # One multi-row INSERT: a single statement (executemany is one per row on SQLite, and a pipeline
    # of them on PostgreSQL).
    together = max(1, max_params(db) // _VALUES.count("%s"))  # rows per statement, within the limit
    with bulk_cursor(db) as cursor:
        for start in range(0, len(rows), together):
            chunk = rows[start : start + together]
            cursor.execute(insert_sql(len(chunk)), [value for row in chunk for value in row])


def collect(using: str | None = None) -> AbstractContextManager[None]:
    """Inside an atomic block: hold the block's audit entries and insert them in one statement at its end.

    The entries are the per-row path's, in the same transaction; see gridgov.core.collect for what
    keeps them with their rows (reads of the trail, savepoints, exceptions). Nested blocks insert at
    the outermost one's end.
    """
    return _collect.collect(using or router.db_for_write(AuditEntry), _insert_together)


def record_creates(instances: Iterable[models.Model]) -> None:
    labels: dict[type[models.Model], str] = {}

    def what(i: models.Model) -> Six:
        label = labels.get(type(i)) or labels.setdefault(type(i), _label(i))
        return ("create", label, str(i.pk)[:64], str(i)[:200], _dumps({"after": snapshot(i)}), "")

    # Each entry made as the insert takes it (see _insert), from the instance as it is: the statement
    # has taken them all before this returns.
    if instances := list(instances):
        _insert(*_lazy(map(what, instances)))


def record_create(instance: models.Model, after: dict[str, Any]) -> None:
    """One create whose snapshot the caller already took (save() takes it for the next update's before)."""
    _write([_Pending("create", _label(instance), str(instance.pk), str(instance), _dumps({"after": after}))])


def record_changes(rows: Iterable[tuple[models.Model, dict[str, Any], dict[str, Any]]]) -> None:
    items = []
    for instance, before, after in rows:
        changed = sorted(k for k in after if before.get(k) != after.get(k))
        if not changed:
            continue
        diff = {"before": {k: before.get(k) for k in changed}, "after": {k: after[k] for k in changed}}
        items.append(_Pending("update", _label(instance), str(instance.pk), str(instance), canonical(diff)))
    _write(items)


def record_delete(instance: models.Model) -> None:
    _write(
        [
            _Pending(
                "delete",
                _label(instance),
                str(instance.pk),
                str(instance),
                _dumps({"before": snapshot(instance)}),
            )
        ]
    )


def record_m2m(instance: models.Model, field: str, action: str, pks: Iterable[Any]) -> None:
    change = {"field": field, "action": action, "pks": sorted(str(pk) for pk in pks)}
    _write([_Pending("update", _label(instance), str(instance.pk), str(instance), canonical(change))])


def record_view(instance: models.Model, fields: Sequence[str], reason: str) -> None:
    """An unmasked view of personal data: who saw which fields of whom, and why."""
    _write(
        [
            _Pending(
                "view",
                _label(instance),
                str(instance.pk),
                str(instance),
                canonical({"fields": list(fields)}),
                reason,
            )
        ]
    )


def record_event(action: str, subject: str, detail: dict[str, Any] | None = None, reason: str = "") -> None:
    """A security-relevant event without a record: log-in, failed log-in, export, command."""
    _write([_Pending(action, "", "", subject, canonical(detail or {}), reason)])
