"""The lean bulk insert (COPY on PostgreSQL, multi-row INSERT on SQLite) stores what Django stores.

A model of every plain column type is created inside the test's transaction, so it never exists
outside it; the same objects go in through Django's own bulk_create and through the audited one, and
the stored rows must be the same, value for value and type for type.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import isolate_apps

from gridgov.core import audit, audit_chain
from gridgov.core.models import AuditEntry, insert
from gridgov.core.models.base import AuditedModel
from gridgov.core.models.insert import bulk_cursor, insert_new

TRICKY_TEXT = [
    "王伟芳",
    "tab\there",
    "line\nbreak\r\n",
    "back\\slash \\N",
    "",
    "'quoted' \"both\"",
    "😀 emoji",
]


def create_table(model: type[models.Model]) -> None:
    # The schema editor's own CREATE TABLE, run inside the test's transaction (SQLite refuses the
    # editor itself there, as it cannot switch foreign keys off mid-transaction).
    editor = connection.schema_editor(collect_sql=True)
    editor.deferred_sql = []  # what entering the editor would set up: its foreign keys and indexes
    sql, params = editor.table_sql(model)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for statement in editor.deferred_sql:
            cursor.execute(str(statement))


@pytest.fixture
def sample(db: Any) -> Iterator[type[models.Model]]:
    with isolate_apps("gridgov.core"):

        class Sample(AuditedModel):
            code = models.CharField(max_length=40, unique=True)
            name = models.CharField(max_length=60)
            note = models.TextField(blank=True)
            count = models.IntegerField(null=True)
            big = models.BigIntegerField(default=0)
            ratio = models.FloatField(null=True)
            amount = models.DecimalField(max_digits=8, decimal_places=2, null=True)
            flag = models.BooleanField(default=False)
            day = models.DateField(null=True)
            at = models.DateTimeField(null=True)
            data = models.JSONField(null=True)
            uid = models.UUIDField(null=True)
            parent = models.ForeignKey("self", null=True, on_delete=models.PROTECT)

            class Meta:
                app_label = "core"
                db_table = "core_test_insert_sample"

            def __str__(self) -> str:
                return self.code

        create_table(Sample)
        yield Sample


def objects(model: Any, prefix: str, n: int) -> list[Any]:
    made = []
    for i in range(n):
        empty = i % 5 == 4  # every fifth row: NULL wherever the column allows it
        made.append(
            model(
                code=f"{prefix}{i}",
                name=TRICKY_TEXT[i % len(TRICKY_TEXT)],
                note="" if empty else f"第{i}行\t说明\\{i}",
                count=None if empty else -i,
                big=2**62 - i,
                ratio=None if empty else i / 7,
                amount=None if empty else decimal.Decimal(f"{i}.05"),
                flag=i % 2 == 0,
                day=None if empty else dt.date(1940, 1, 1) + dt.timedelta(days=i * 97),
                at=None if empty else dt.datetime(2026, 1, 5, 8, 30, i % 60, 123456, tzinfo=dt.UTC),
                data=None if empty else {"名": TRICKY_TEXT[i % len(TRICKY_TEXT)], "n": [i, None, True, 1.5]},
                uid=None if empty else uuid.UUID(int=i + 1),
            )
        )
    return made


def stored(model: Any, prefix: str) -> list[tuple[Any, ...]]:
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key and f.attname != "code"]
    rows = model.objects.filter(code__startswith=prefix).order_by("pk").values_list("code", *names)
    return [(code.removeprefix(prefix), *rest) for code, *rest in rows]


def test_the_lean_insert_stores_what_djangos_bulk_create_stores(sample: Any) -> None:
    lean = sample.objects.bulk_create(objects(sample, "lean", 23), batch_size=10)
    plain = models.QuerySet.bulk_create(sample.objects.all(), objects(sample, "plain", 23))  # Django's own
    assert stored(sample, "lean") == stored(sample, "plain")
    # PostgreSQL took the COPY path, which drew the keys from the table's sequence.
    copied = any(table == "core_test_insert_sample" for _db, table in insert._SEQUENCES)
    assert copied == (connection.vendor == "postgresql")
    by_key = sample.objects.in_bulk([o.pk for o in lean])
    for obj in lean:  # each object has the key of the row that holds its values
        assert not obj._state.adding and obj._state.db == "default"
        row = by_key[obj.pk]
        assert (row.code, row.name, row.data, row.at, row.uid) == (
            obj.code,
            obj.name,
            obj.data,
            obj.at,
            obj.uid,
        )
    assert [o.pk for o in lean] == sorted(o.pk for o in lean)  # in the objects' order, as RETURNING gave
    assert min(o.pk for o in plain) > max(o.pk for o in lean)
    assert type(by_key[lean[0].pk].amount) is decimal.Decimal and type(by_key[lean[0].pk].day) is dt.date


def test_keys_come_from_the_tables_own_sequence(sample: Any) -> None:
    first = sample.objects.create(code="first", name="一")
    lean = sample.objects.bulk_create(objects(sample, "lean", 5))
    after = sample.objects.create(code="after", name="后")  # the column default, after the lean rows
    assert first.pk < lean[0].pk and lean[-1].pk < after.pk
    children = sample.objects.bulk_create(
        [sample(code=f"child{i}", name="子", parent=lean[i]) for i in range(3)]
    )
    assert [c.parent_id for c in sample.objects.filter(pk__in=[c.pk for c in children]).order_by("pk")] == [
        o.pk for o in lean[:3]
    ]


def test_every_row_has_its_entry_and_the_chain_verifies(sample: Any) -> None:
    lean = sample.objects.bulk_create(objects(sample, "lean", 12))
    entries = list(AuditEntry.objects.filter(object_type="core.sample").order_by("id"))
    assert [e.object_id for e in entries] == [str(o.pk) for o in lean]
    assert all(e.action == "create" and e.content_hash == audit.content_hash(e) for e in entries)
    assert audit_chain.seal_pending() >= len(lean) and audit_chain.verify().ok


def test_a_refused_row_raises_djangos_error_and_nothing_stays(sample: Any) -> None:
    sample.objects.create(code="taken", name="已有")
    entries = AuditEntry.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        sample.objects.bulk_create([*objects(sample, "new", 4), sample(code="taken", name="重复")])
    with pytest.raises(IntegrityError), transaction.atomic():
        sample.objects.bulk_create([sample(code="nameless", name=None)])
    assert list(sample.objects.values_list("code", flat=True)) == ["taken"]
    assert AuditEntry.objects.count() == entries


def test_a_missing_parent_is_caught_by_the_constraint(sample: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        sample.objects.bulk_create([sample(code="orphan", name="孤", parent_id=999_999)])
        connection.check_constraints()  # PostgreSQL's are deferred to the commit: check them now


def test_expressions_still_take_djangos_way(sample: Any) -> None:
    given = [sample(code="expr", name=models.Value("表达式"))]
    assert not insert_new(sample.objects.all(), given, None)
    assert sample.objects.bulk_create(given)[0].pk is not None
    assert sample.objects.get(code="expr").name == "表达式"


@pytest.fixture
def blobs(db: Any) -> Iterator[type[models.Model]]:
    with isolate_apps("gridgov.core"):

        class Blob(models.Model):
            content = models.BinaryField(null=True)
            label = models.TextField()
            data = models.JSONField(null=True)

            class Meta:
                app_label = "core"
                db_table = "core_test_insert_blob"

            def __str__(self) -> str:
                return self.label

        create_table(Blob)
        yield Blob


def test_a_plain_executemany_stores_each_row_as_given(blobs: Any) -> None:
    # On PostgreSQL this is a COPY: bytes, escapes, NULLs and JSON text must arrive as they were.
    contents = [b"\x00\x01\\N\t\n\r\xff\xfe", b"", None, "王".encode(), bytes(range(256))]
    rows = [
        (c, TRICKY_TEXT[i], None if i == 2 else f'{{"k": "{TRICKY_TEXT[i][:2]}"}}')
        for i, c in enumerate(contents)
    ]
    with bulk_cursor(connection) as cursor:
        cursor.executemany(
            "INSERT INTO core_test_insert_blob (content, label, data) VALUES (%s, %s, %s)", rows
        )
    found = blobs.objects.order_by("pk").values_list("content", "label", "data")
    expected = [(c, label, None if d is None else {"k": label[:2]}) for c, label, d in rows]
    assert [(None if c is None else bytes(c), label, d) for c, label, d in found] == expected


def test_other_statements_run_as_written(blobs: Any) -> None:
    with bulk_cursor(connection) as cursor:
        cursor.executemany("INSERT INTO core_test_insert_blob (label) VALUES (%s)", [("一",), ("二",)])
        cursor.executemany("UPDATE core_test_insert_blob SET label = %s WHERE label = %s", [("三", "二")])
    assert list(blobs.objects.order_by("pk").values_list("label", flat=True)) == ["一", "三"]
    with pytest.raises(IntegrityError), transaction.atomic(), bulk_cursor(connection) as cursor:
        cursor.executemany("INSERT INTO core_test_insert_blob (label) VALUES (%s)", [("四",), (None,)])
    assert blobs.objects.count() == 2


def test_values_of_other_types_are_prepared_as_django_prepares_them(sample: Any) -> None:
    def odd(prefix: str) -> list[Any]:
        return [
            sample(
                code=f"{prefix}0",
                name=12345,
                count="7",
                big=True,
                day="2020-01-31",
                note=dt.date(2020, 1, 31),
            ),
            sample(
                code=f"{prefix}1", name="一", count=False, day=dt.datetime(2020, 2, 1, 23, 0), data=[1, "二"]
            ),
        ]

    sample.objects.bulk_create(odd("lean"))
    models.QuerySet.bulk_create(sample.objects.all(), odd("plain"))
    assert stored(sample, "lean") == stored(sample, "plain")
    assert stored(sample, "lean")[0][1:4] == ("12345", "2020-01-31", 7)


@pytest.fixture
def stamped(db: Any) -> Iterator[type[models.Model]]:
    with isolate_apps("gridgov.core"):

        class Stamped(models.Model):
            label = models.CharField(max_length=20)
            made = models.DateTimeField(auto_now_add=True)
            day = models.DateField(auto_now=True)

            class Meta:
                app_label = "core"
                db_table = "core_test_insert_stamped"

            def __str__(self) -> str:
                return self.label

        create_table(Stamped)
        yield Stamped


def test_auto_now_fields_are_stamped_as_djangos_pre_save_stamps_them(stamped: Any) -> None:
    # Fields whose pre_save is more than reading the attribute keep going through it.
    made = [stamped(label=str(i)) for i in range(3)]
    assert insert_new(stamped.objects.all(), made, None)
    rows = stamped.objects.order_by("pk").values_list("label", "made", "day")
    assert [(o.label, o.made, o.day) for o in made] == list(rows)
    assert all(o.made is not None and o.day is not None for o in made)


def _built(obj: Any) -> tuple[dict[str, Any], dict[str, Any], Any, bool, Any]:
    data = {k: v for k, v in obj.__dict__.items() if k != "_state"}
    parent = obj._state.fields_cache.get("parent")
    return data, obj._state.fields_cache, obj._state.db, obj._state.adding, parent and parent._state.db


def test_maker_builds_what_the_models_constructor_builds(sample: Any) -> None:
    parent = sample.objects.create(code="parent", name="父")
    make = insert.maker(sample)
    assert make is not sample  # the fast path, for a model of plain fields
    for values in (
        {"code": "a", "name": "一", "parent": parent, "day": dt.date(2020, 1, 2)},
        {"code": "b", "name": "二", "parent_id": parent.pk, "data": {"k": [1]}},
        {"code": "c", "parent": None, "flag": True},
        {},
    ):
        assert _built(make(**values)) == _built(sample(**values))
    # An unsaved parent (no database yet) is given the child's, as the descriptor gives it.
    fresh = [sample(code="p1"), sample(code="p2")]
    made, built = make(parent=fresh[0]), sample(parent=fresh[1])
    assert made._state.fields_cache["parent"] is fresh[0] and built._state.fields_cache["parent"] is fresh[1]
    assert _built(made)[2:] == _built(built)[2:] and made.parent_id is built.parent_id is None
    assert fresh[0]._state.db == fresh[1]._state.db == "default"
    with pytest.raises(ValueError, match="must be a"):
        make(parent=object())
    with pytest.raises(TypeError):
        make(nonsense=1)
    made = [make(code=f"m{i}", name="造", parent=parent) for i in range(3)]
    sample.objects.bulk_create(made)
    assert (
        list(sample.objects.filter(code__startswith="m").values_list("parent_id", flat=True))
        == [parent.pk] * 3
    )


def test_maker_calls_computed_defaults_for_each_object_as_the_constructor_does(db: Any) -> None:
    with isolate_apps("gridgov.core"):

        class Keyed(models.Model):
            key = models.UUIDField(default=uuid.uuid4)
            label = models.CharField(max_length=10, default="x")

            class Meta:
                app_label = "core"

            def __str__(self) -> str:
                return str(self.key)

        make = insert.maker(Keyed)
        assert make is not Keyed
        first, second, given = make(), make(label="y"), make(key=uuid.UUID(int=7))
        assert isinstance(first.key, uuid.UUID) and first.key != second.key  # called per object
        assert given.key == uuid.UUID(int=7) and second.label == "y" and first.label == "x"
        built = Keyed(key=uuid.UUID(int=7))
        assert _built(given) == _built(built) and list(given.__dict__) == list(built.__dict__)


def test_entries_go_in_under_djangos_debug_cursor_too(sample: Any) -> None:
    # The entries reach the insert as an iterator, made as it takes them: DEBUG's cursor logs that too.
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection):
        lean = sample.objects.bulk_create(objects(sample, "debug", 4))
    entries = AuditEntry.objects.filter(object_type="core.sample").order_by("id")
    assert [e.object_id for e in entries] == [str(o.pk) for o in lean]
    assert all(e.content_hash == audit.content_hash(e) for e in entries)


def test_related_objects_are_prepared_as_django_prepares_them(sample: Any) -> None:
    # Only objects holding a related object are handed to Django's preparation; it still refuses an
    # unsaved one and copies in the key of one saved after it was assigned.
    unsaved = sample(code="unsaved", name="未存")
    with pytest.raises(ValueError, match="unsaved related object 'parent'"), transaction.atomic():
        sample.objects.bulk_create([sample(code="x", name="甲"), sample(code="y", name="乙", parent=unsaved)])
    later = sample(code="later", name="后存")
    child = sample(code="child", name="子", parent=later)
    later.save()
    sample.objects.bulk_create([sample(code="plain", name="丙"), child])
    assert sample.objects.get(code="child").parent_id == later.pk
