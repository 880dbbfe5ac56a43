"""A bulk import is on the audit trail row by row: the right snapshots, no clear numbers, a valid chain."""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO
from typing import Any

from gridgov.core import audit, audit_chain
from gridgov.core.models import AuditEntry
from gridgov.people.excel import bulk
from gridgov.people.excel.importer import Outcome, acting_for, import_workbook
from gridgov.people.models import Building, Residence, ResidenceRegistration, Resident
from gridgov.people.services.validation import ResidentInput, clean_resident
from tests.factories import Personas
from tests.people import factories as f
from tests.people.test_excel_books import book, resident

ROWS = 60
FLOATING = {"户籍/流动": "流动", "登记开始": "2026/1/5", "预计结束": "2027-01-04", "房东": "张房东"}


def numbers(n: int) -> tuple[str, str, str]:
    """Row n's fictional ID number, phone, and its landlord's phone."""
    number = f.resident_id(f"1970{n // 28 + 1:02d}{n % 28 + 1:02d}", "993")
    return number, f"1380000{n:04d}", f"1390000{n:04d}"


def workbook() -> bytes:
    rows = []
    for n in range(ROWS):
        number, phone, landlord = numbers(n)
        extra: dict[str, Any] = {"联系电话": phone, "单元": f"{n % 3 + 1}单元", "房号": str(101 + n % 7)}
        if n % 4 == 0:
            extra |= FLOATING | {"房东电话": landlord}
        rows.append(resident(f"居民{n}", number, **extra))
    return book({"居民": rows})


def run(user: Any, content: bytes) -> Outcome:
    with acting_for(user, "cli"):
        return import_workbook(BytesIO(content), user, "居民.xlsx")


def created(object_type: str, since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=since, object_type=object_type, action="create"))


def test_bulk_import_writes_one_create_entry_per_row_with_its_values(personas: Personas) -> None:
    f.building(personas.worker)  # 9幢, which every row names
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    outcome = run(personas.worker, workbook())
    assert outcome.imported and outcome.counts["residents_created"] == ROWS
    people = {str(r.pk): r for r in Resident.objects.all()}
    entries = created("people.resident", before)
    assert len(entries) == ROWS and {e.object_id for e in entries} == set(people)
    for entry in entries:
        stored = people[entry.object_id]
        after = json.loads(entry.changes)["after"]
        assert after == audit.snapshot(stored)  # what the row holds, read back from the database
        assert after["name"] == stored.name == entry.object_repr
        assert after["document_masked"] == stored.document_masked and "*" in stored.document_masked
        for sealed in ("document_cipher", "document_index", "phone_cipher", "phone_index"):
            assert after[sealed].startswith("sha256:") and len(after[sealed]) == 23
        assert entry.actor_id == personas.worker.pk and entry.source == "cli"
    assert len(created("people.residence", before)) == Residence.objects.count() == ROWS
    registrations = created("people.residenceregistration", before)
    assert len(registrations) == ResidenceRegistration.objects.count() == ROWS // 4
    landlord = json.loads(registrations[0].changes)["after"]
    assert landlord["landlord_phone_masked"] == "139****0000" or "****" in landlord["landlord_phone_masked"]
    assert landlord["landlord_phone_index"].startswith("sha256:")
    assert audit_chain.seal_pending() > 0 and audit_chain.verify().ok


def test_no_clear_document_number_or_phone_reaches_the_trail(personas: Personas) -> None:
    f.building(personas.worker)
    assert run(personas.worker, workbook()).imported
    text = "\n".join(f"{e.object_repr} {e.changes} {e.reason}" for e in AuditEntry.objects.all())
    for n in range(ROWS):
        for clear in numbers(n):
            assert clear not in text
    assert "1970" + "0101" not in text  # not even the birth date part of a number


def test_reimport_of_unchanged_rows_writes_no_row_entries(personas: Personas) -> None:
    f.building(personas.worker)
    content = workbook()
    assert run(personas.worker, content).imported
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    again = run(personas.worker, content)
    assert again.imported and again.counts["residents_unchanged"] == ROWS
    later = AuditEntry.objects.filter(id__gt=before)
    assert [e.action for e in later] == ["import"]
    assert Building.objects.count() == 1 and Resident.objects.count() == ROWS


def test_reimport_with_changes_records_each_changed_row(personas: Personas) -> None:
    f.building(personas.worker)
    assert run(personas.worker, workbook()).imported
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    number, phone, _landlord = numbers(5)
    changed = book({"居民": [resident("居民五", number, 联系电话=phone, 单元="3单元", 房号="106")]})
    outcome = run(personas.worker, changed)
    assert outcome.imported and outcome.counts["residents_updated"] == 1
    update = AuditEntry.objects.get(id__gt=before, object_type="people.resident", action="update")
    assert json.loads(update.changes)["before"]["name"] == "居民5"
    assert json.loads(update.changes)["after"]["name"] == "居民五"
    assert "document_cipher" not in update.changes  # same number: not re-encrypted, so not changed
    assert Resident.objects.get(pk=update.object_id).birth_date == dt.date(1970, 1, 6)


def test_bulk_update_of_every_row_records_each_before_and_after(personas: Personas) -> None:
    f.building(personas.worker)
    assert run(personas.worker, workbook()).imported
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = []
    for n in range(ROWS):
        number, phone, landlord = numbers(n)
        extra: dict[str, Any] = {"联系电话": phone, "单元": f"{n % 3 + 1}单元", "房号": str(101 + n % 7)}
        if n % 4 == 0:
            extra |= FLOATING | {"房东电话": landlord}
        rows.append(resident(f"新居民{n}", number, 工作单位="温岭某厂", **extra))
    outcome = run(personas.worker, book({"居民": rows}))
    assert outcome.imported and outcome.counts["residents_updated"] == ROWS
    updates = AuditEntry.objects.filter(id__gt=before, object_type="people.resident", action="update")
    assert updates.count() == ROWS
    for entry in updates:
        changes = json.loads(entry.changes)
        assert changes["after"]["name"] == "新" + changes["before"]["name"]
        assert changes["after"]["workplace"] == "温岭某厂" and changes["before"]["workplace"] == ""
        assert not any("cipher" in k or "index" in k for k in changes["after"])
    assert audit_chain.seal_pending() > 0 and audit_chain.verify().ok


def test_bulk_update_refuses_a_resident_out_of_reach_and_writes_nothing(personas: Personas) -> None:
    f.building(personas.worker)
    assert run(personas.worker, workbook()).imported
    mine = Resident.objects.order_by("id").first()
    assert mine is not None
    clean = clean_resident(ResidentInput(name="别人", document_number=numbers(0)[0]))
    count = AuditEntry.objects.count()
    with acting_for(personas.other_worker, "cli"):
        refused = bulk.update_residents(personas.other_worker, [(mine.pk, clean)])
    assert refused == [mine.pk]
    assert AuditEntry.objects.count() == count and Resident.objects.get(pk=mine.pk).name == mine.name
