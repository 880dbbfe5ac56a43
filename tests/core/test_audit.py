"""The audit trail: every write path leaves an entry in the same transaction; the chain catches tampering."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection, transaction

from gridgov.core import audit, audit_chain, context, triggers
from gridgov.core.models import AuditEntry
from gridgov.geo.models import Grid, PoliceZone
from tests.factories import Personas, SmallMap


def entries(**filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def test_save_records_who_what_before_and_after(small_map: SmallMap, personas: Personas) -> None:
    grid = small_map.grids[0]
    ctx = context.ActorContext(
        actor_id=personas.admin.pk,
        actor_name="admin",
        role="admin",
        request_id="req-123456",
        ip="10.0.0.9",
        source="web",
    )
    with context.acting(ctx):
        grid.name = "东辉社区新网格"
        grid.save()
    entry = entries(object_type="geo.grid", object_id=str(grid.pk), action="update")[-1]
    assert (entry.actor_name, entry.role, entry.request_id, entry.ip) == (
        "admin",
        "admin",
        "req-123456",
        "10.0.0.9",
    )
    changes = json.loads(entry.changes)
    assert changes["before"] == {"name": "东辉社区第1网格"}
    assert changes["after"] == {"name": "东辉社区新网格"}


def test_bulk_update_and_bulk_create_are_audited_per_row(small_map: SmallMap) -> None:
    before = AuditEntry.objects.count()
    with context.acting_as_system("cli", "bulk-test"):
        count = Grid.objects.filter(village=small_map.village_a).update(name="改名")
    assert count == 2
    new = entries(id__gt=0)[before:]
    assert [(e.action, e.actor_name, e.source) for e in new] == [("update", "bulk-test", "cli")] * 2
    assert {json.loads(e.changes)["after"]["name"] for e in new} == {"改名"}


def test_delete_cascade_and_m2m_are_audited(small_map: SmallMap, personas: Personas) -> None:
    grid = small_map.grids[3]
    grid.workers.add(personas.cadre)
    m2m = entries(object_type="geo.grid", object_id=str(grid.pk))[-1]
    assert json.loads(m2m.changes) == {"action": "add", "field": "workers", "pks": [str(personas.cadre.pk)]}
    Grid.objects.filter(pk=grid.pk).delete()
    assert entries(object_type="geo.grid", object_id=str(grid.pk), action="delete")


def test_write_and_entry_roll_back_together(small_map: SmallMap) -> None:
    grid = small_map.grids[0]
    count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        grid.name = "不会保存"
        grid.save()
        raise RuntimeError("fail after the write")
    assert AuditEntry.objects.count() == count
    grid.refresh_from_db()
    assert grid.name != "不会保存"


def test_passwords_never_reach_the_trail(personas: Personas) -> None:
    personas.worker.set_password("Another-pass-2027")
    personas.worker.save()
    text = " ".join(e.changes for e in entries(object_type="accounts.user"))
    assert "Another-pass-2027" not in text
    assert "md5$" not in text and "argon2" not in text


def test_orm_refuses_to_change_or_delete_entries(small_map: SmallMap) -> None:
    entry = entries()[0]
    entry.reason = "edited"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_database_refuses_edits_and_early_deletes(small_map: SmallMap) -> None:
    audit_chain.seal_pending()
    entry = entries()[0]
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE core_auditentry SET reason = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(Exception, match="kept at least"), transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])


def tamper(sql: str, params: list[Any]) -> None:
    """What someone with database rights could do: lift the triggers, change rows, put them back."""
    triggers.apply(connection, create=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        triggers.apply(connection, create=True)


@pytest.fixture
def sealed(small_map: SmallMap) -> list[AuditEntry]:
    for grid in small_map.grids:
        grid.name += "·"
        grid.save()
    assert audit_chain.seal_pending() > 10
    result = audit_chain.verify()
    assert result.ok and result.checked == AuditEntry.objects.count()
    return list(AuditEntry.objects.order_by("seq"))


def test_verify_finds_an_edited_entry(sealed: list[AuditEntry]) -> None:
    target = sealed[7]
    tamper("UPDATE core_auditentry SET actor_name = 'someone else' WHERE id = %s", [target.pk])
    result = audit_chain.verify()
    assert not result.ok and result.first_bad_seq == target.seq and "edited" in result.problem


def test_verify_finds_a_deleted_entry(sealed: list[AuditEntry]) -> None:
    target = sealed[5]
    tamper("DELETE FROM core_auditentry WHERE id = %s", [target.pk])
    result = audit_chain.verify()
    assert not result.ok and result.first_bad_seq == target.seq and "missing" in result.problem


def test_verify_finds_the_last_entries_deleted(sealed: list[AuditEntry]) -> None:
    tamper("DELETE FROM core_auditentry WHERE id = %s", [sealed[-1].pk])
    result = audit_chain.verify()
    assert not result.ok and result.first_bad_seq == sealed[-1].seq


def test_verify_finds_an_inserted_entry(sealed: list[AuditEntry]) -> None:
    # A forged entry slipped in with a seq of its own: the renumbered rows break the chain.
    forged = sealed[3]
    tamper("UPDATE core_auditentry SET seq = seq + 1000000 WHERE seq >= %s", [forged.seq])
    tamper("UPDATE core_auditentry SET seq = seq - 999999 WHERE seq >= 1000000", [])
    tamper(
        "INSERT INTO core_auditentry (at, actor_name, role, source, request_id, ip, action, object_type,"
        " object_id, object_repr, changes, reason, content_hash, seq, chain_hash)"
        " SELECT at, 'forger', role, source, request_id, ip, action, object_type, object_id, object_repr,"
        " changes, reason, content_hash, %s, chain_hash FROM core_auditentry WHERE id = %s",
        [forged.seq, sealed[0].pk],
    )
    result = audit_chain.verify()
    assert not result.ok and result.first_bad_seq == forged.seq


def test_sealing_continues_the_chain(sealed: list[AuditEntry], small_map: SmallMap) -> None:
    small_map.zone2.name = "新警务区"
    small_map.zone2.save()
    assert audit_chain.seal_pending() == 1
    assert audit_chain.verify().ok
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and last.object_type == "geo.policezone"


def test_prune_keeps_the_minimum_retention(sealed: list[AuditEntry]) -> None:
    with pytest.raises(ValueError, match="at least"):
        audit_chain.prune(30)
    assert audit_chain.prune(400) == 0
    assert audit_chain.verify().ok


def test_view_of_personal_data_is_recorded(personas: Personas) -> None:
    with context.acting(context.ActorContext(actor_id=personas.officer.pk, actor_name="linhuibing")):
        audit.record_view(personas.worker, ["work_phone"], "回访核实")
    entry = entries(action="view")[-1]
    assert entry.reason == "回访核实" and json.loads(entry.changes) == {"fields": ["work_phone"]}
    assert PoliceZone.objects.count() == 2
