"""The bulk audit path: one entry per row, snapshots from the objects in memory, hashes that verify."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.db import IntegrityError, models, transaction

from gridgov.cases.models import Attachment
from gridgov.core import audit, audit_chain, context
from gridgov.core.models import AuditEntry
from gridgov.people.models import Resident, Tag
from tests.factories import Personas
from tests.people import factories as f


def reference_snapshot(instance: models.Model) -> dict[str, Any]:
    """The snapshot as the audit trail has always defined it, field by field through Django's API."""
    redacted: frozenset[str] = getattr(instance, "audit_redacted", frozenset())
    deferred = instance.get_deferred_fields()
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.attname in deferred:
            continue
        value = field.value_from_object(instance)
        if field.name in redacted and value not in (None, ""):
            value = "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()[:16]
        values[field.attname] = json.loads(audit.canonical(value))
    return values


def tag_entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="people.tag", action=action).order_by("id"))


def test_bulk_create_writes_one_entry_per_row_from_memory(db: Any) -> None:
    with context.acting_as_system("cli", "bulk-test"):
        created = Tag.objects.bulk_create(Tag(code=f"t{n}", name=f"标签{n}") for n in range(120))
    found = tag_entries("create")
    assert [e.object_id for e in found] == [str(t.pk) for t in created]
    stored = Tag.objects.in_bulk([t.pk for t in created])
    for entry in found:
        assert (entry.actor_name, entry.source, entry.seq) == ("bulk-test", "cli", None)
        assert json.loads(entry.changes) == {"after": reference_snapshot(stored[int(entry.object_id)])}
        assert entry.content_hash == audit.content_hash(entry)
    assert audit_chain.seal_pending() == AuditEntry.objects.count()
    assert audit_chain.verify().ok


def test_bulk_update_records_before_and_after_of_each_changed_row(db: Any) -> None:
    created = Tag.objects.bulk_create(Tag(code=f"t{n}", name=f"标签{n}") for n in range(5))
    for tag in created[:3]:
        tag.name += "·新"
    Tag.objects.bulk_update(created, ["name"])
    found = tag_entries("update")
    assert [e.object_id for e in found] == [str(t.pk) for t in created[:3]]  # unchanged rows: no entry
    assert json.loads(found[0].changes) == {"before": {"name": "标签0"}, "after": {"name": "标签0·新"}}
    audit_chain.seal_pending()
    assert audit_chain.verify().ok


def test_snapshot_redacts_and_skips_deferred_fields_as_before(personas: Personas) -> None:
    household = f.household(personas.worker, f.building(personas.worker))
    f.register(personas.worker, household, "林大娘", f.LIN_DANIANG_ID, phone="13800001234")
    full = Resident.objects.get(name="林大娘")
    assert audit.snapshot(full) == reference_snapshot(full)
    assert audit.snapshot(full)["document_cipher"].startswith("sha256:")
    partial = Resident.objects.only("name", "document_index").get(pk=full.pk)
    assert audit.snapshot(partial) == reference_snapshot(partial)
    assert set(audit.snapshot(partial)) == {"id", "name", "document_index"}
    assert "name_pinyin" not in partial.__dict__  # snapshotting did not load the deferred field


def test_every_entry_kind_keeps_its_content_hash(personas: Personas) -> None:
    ctx = context.ActorContext(actor_id=7, actor_name="x" * 200, role="admin", ip="10.0.0.1", source="web")
    with context.acting(ctx):
        tag = Tag.objects.create(code="care", name="关爱")
        Tag.objects.filter(pk=tag.pk).update(name="关爱对象")
        audit.record_view(tag, ["name"], "核实" * 300)
        audit.record_event("export", "居民.xlsx", {"rows": 3})
        tag.delete()
    found = list(AuditEntry.objects.filter(actor_id=7).order_by("id"))
    assert [e.action for e in found] == ["create", "update", "view", "export", "delete"]
    assert all(e.content_hash == audit.content_hash(e) for e in found)
    assert len(found[0].actor_name) == 150 and len(found[2].reason) == 500  # cut as the columns are
    audit_chain.seal_pending()
    assert audit_chain.verify().ok


def test_the_insert_names_the_models_table_and_columns() -> None:
    head, _values = audit._INSERT.split(" VALUES ")
    table, columns = head.removeprefix("INSERT INTO ").split(" ", 1)
    meta = AuditEntry._meta
    assert table == meta.db_table
    assert columns.strip("()").split(", ") == [f.column for f in meta.concrete_fields if not f.primary_key]


def test_content_hash_is_still_the_documented_one(db: Any) -> None:
    # Entries sealed before this change must keep verifying: the hash's definition may never move.
    with context.acting(context.ActorContext(actor_id=3, actor_name="陈慧玲", request_id="r1", source="web")):
        Tag.objects.create(code="care", name="关爱")
    entry = AuditEntry.objects.get(object_type="people.tag")
    at = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    body = [at, 3, "陈慧玲", "", "web", "r1", "", "create", "people.tag", entry.object_id, "关爱"]
    body += [entry.changes, ""]
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert entry.content_hash == hashlib.sha256(text.encode()).hexdigest()


def stored(model: type[models.Model], pks: list[Any]) -> list[tuple[Any, ...]]:
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return list(model._default_manager.filter(pk__in=pks).order_by("pk").values_list(*names))


def test_lean_insert_writes_what_djangos_bulk_create_writes(personas: Personas) -> None:
    household = f.household(personas.worker, f.building(personas.worker))
    f.register(personas.worker, household, "林大娘", f.LIN_DANIANG_ID, phone="13800001234")
    model = Resident.objects.get()
    fields = [f.attname for f in Resident._meta.concrete_fields if not f.primary_key]

    def copies(n: int) -> list[Resident]:
        return [Resident(**{a: getattr(model, a) for a in fields} | {"name": f"副本{i}"}) for i in range(n)]

    lean = Resident.objects.bulk_create(copies(7), batch_size=3)
    plain = models.QuerySet.bulk_create(Resident.objects.all(), copies(7))  # Django's own, unaudited
    assert all(r.pk and not r._state.adding for r in lean)
    assert stored(Resident, [r.pk for r in lean]) == stored(Resident, [r.pk for r in plain])
    assert AuditEntry.objects.filter(object_type="people.resident", action="create").count() == 1 + 7


def test_expressions_and_options_take_djangos_way(db: Any) -> None:
    with_expression = [Tag(code="expr", name="表达式", description=models.Value("说明"))]
    assert Tag.objects.bulk_create(with_expression)[0].pk is not None
    assert Tag.objects.get(code="expr").description == "说明"
    Tag.objects.bulk_create([Tag(code="expr", name="重复")], ignore_conflicts=True)
    given = Tag.objects.bulk_create([Tag(pk=900, code="given", name="给定")])
    assert given[0].pk == 900
    assert dict(Tag.objects.values_list("code", "name")) == {"expr": "表达式", "given": "给定"}
    assert len(tag_entries("create")) == 3  # the ignored duplicate was not written, nor recorded


def test_a_refused_lean_insert_raises_djangos_error_and_records_nothing(db: Any) -> None:
    Tag.objects.create(code="care", name="关爱")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.bulk_create([Tag(code="new", name="新"), Tag(code="care", name="重复")])
    assert list(Tag.objects.values_list("code", flat=True)) == ["care"]
    assert len(tag_entries("create")) == 1


def test_a_file_field_is_snapshotted_through_its_descriptor_as_before() -> None:
    file = "cases/2026/01/照片.jpg"
    attachment = Attachment(case_id=1, file=file, name="照片", content_type="image/jpeg", size=9)
    assert attachment.file.name == file  # the descriptor's wrapper is in place of the text
    assert audit.snapshot(attachment) == reference_snapshot(attachment)
    assert audit.snapshot(attachment)["file"] == file
