"""audit.collect(): a block's entries inserted together at its end, never apart from their rows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from gridgov.core import audit, audit_chain, context
from gridgov.core.models import AuditEntry
from gridgov.people.models import Tag

# What an entry says, leaving out when it was written and the chain (given at sealing).
CONTENT = ("actor_id", "actor_name", "role", "source", "request_id", "ip", "action", "object_type", "reason")


def entries(*codes: str) -> list[AuditEntry]:
    ids = {str(pk) for pk in Tag.objects.filter(code__in=codes).values_list("pk", flat=True)}
    return [
        e for e in AuditEntry.objects.filter(object_type="people.tag").order_by("id") if e.object_id in ids
    ]


def test_a_failing_insert_inside_collect_leaves_neither_row_nor_entry(db: Any) -> None:
    Tag.objects.create(code="care", name="关爱")
    before = AuditEntry.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic(), audit.collect():
        Tag.objects.create(code="new", name="新")
        Tag.objects.create(code="care", name="重复")
    assert list(Tag.objects.values_list("code", flat=True)) == ["care"]
    assert AuditEntry.objects.count() == before


def test_an_exception_caught_outside_collect_still_rolls_its_rows_back(db: Any) -> None:
    before = AuditEntry.objects.count()
    with transaction.atomic():
        try:
            with audit.collect():
                Tag.objects.create(code="lost", name="丢")
                raise ValueError("after the row, before the block's end")
        except ValueError:
            pass  # the transaction is marked for rollback: the row cannot commit without its entry
        assert transaction.get_rollback()
    assert not Tag.objects.filter(code="lost").exists() and AuditEntry.objects.count() == before


def test_collected_entries_are_the_per_row_entries_and_the_chain_verifies(db: Any) -> None:
    with context.acting_as_system("cli", "test"):
        with transaction.atomic():
            per_row = [Tag.objects.create(code=f"row{n}", name=f"行{n}") for n in range(3)]
        with transaction.atomic(), audit.collect():
            collected = [Tag.objects.create(code=f"col{n}", name=f"行{n}") for n in range(3)]
            with audit.collect():  # nested: the outermost block inserts
                collected[0].name = "改"
                collected[0].save()
    one = entries(*(t.code for t in per_row))
    other = entries(*(t.code for t in collected))
    assert [e.action for e in other] == ["create", "create", "create", "update"]

    def content(entry: AuditEntry) -> tuple[Any, ...]:
        # The same write of another row: its id and code aside, the entry must say the same.
        after = json.loads(entry.changes)["after"]
        del after["id"], after["code"]
        return (*(getattr(entry, name) for name in CONTENT), entry.object_repr.replace("col", "row"), after)

    assert [content(e) for e in one] == [content(e) for e in other[:3]]
    assert all(audit.content_hash(e) == e.content_hash for e in one + other)
    audit_chain.seal_pending()
    assert audit_chain.verify().ok


def test_reads_of_the_trail_inside_the_block_see_its_entries(db: Any) -> None:
    with transaction.atomic(), audit.collect():
        tag = Tag.objects.create(code="seen", name="见")
        assert AuditEntry.objects.filter(object_type="people.tag", object_id=str(tag.pk)).count() == 1
        with CaptureQueriesContext(connection) as captured:
            Tag.objects.create(code="later", name="后")
    assert len(entries("seen", "later")) == 2
    assert not any("core_auditentry" in q["sql"] for q in captured.captured_queries)  # held until the end


def test_a_rolled_back_savepoint_inside_the_block_takes_its_entries(db: Any) -> None:
    with transaction.atomic(), audit.collect():
        Tag.objects.create(code="kept", name="留")
        try:
            with transaction.atomic():
                Tag.objects.create(code="undone", name="撤")
                raise ValueError
        except ValueError:
            pass
        Tag.objects.create(code="after", name="后")
    assert sorted(Tag.objects.values_list("code", flat=True)) == ["after", "kept"]
    kept = {str(pk) for pk in Tag.objects.values_list("pk", flat=True)}
    written = set(AuditEntry.objects.filter(object_type="people.tag").values_list("object_id", flat=True))
    assert written == kept


def test_collect_needs_a_transaction(transactional_db: Any) -> None:
    with pytest.raises(transaction.TransactionManagementError), audit.collect():
        pass


def test_more_entries_than_one_statement_carries_all_reach_the_trail(db: Any) -> None:
    # Over 2,047 rows: more than one INSERT's parameters on SQLite (32,766) and PostgreSQL (30,000 here).
    before = AuditEntry.objects.count()
    with transaction.atomic(), audit.collect():
        Tag.objects.bulk_create([Tag(code=f"t{n}", name=f"标{n}") for n in range(2_100)])
    assert AuditEntry.objects.count() - before == 2_100
    audit_chain.seal_pending()
    assert audit_chain.verify().ok
