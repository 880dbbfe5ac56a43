"""Several writers and sealers at once: the chain stays whole and every write has its entry."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from gridgov.core import audit_chain, context
from gridgov.core.models import AuditEntry
from gridgov.geo.models import Grid
from tests.factories import build_small_map

WRITERS, WRITES = 4, 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_keep_the_chain() -> None:
    small = build_small_map()
    grids = [g.pk for g in small.grids]
    start = AuditEntry.objects.count()
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(n: int) -> None:
        try:
            with context.acting_as_system("worker", f"writer-{n}"):
                grid = Grid.objects.get(pk=grids[n])
                for i in range(WRITES):
                    grid.name = f"网格{n}-{i}"
                    grid.save()
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    def sealer() -> None:
        try:
            while not stop.is_set():
                audit_chain.seal_pending()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    sealers = [threading.Thread(target=sealer) for _ in range(2)]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in sealers + writers:
        t.start()
    for t in writers:
        t.join(timeout=120)
    stop.set()
    for t in sealers:
        t.join(timeout=120)
    assert not errors, errors
    audit_chain.seal_pending()
    assert AuditEntry.objects.count() - start == WRITERS * WRITES
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    result = audit_chain.verify()
    assert result.ok and result.checked == len(seqs), result
    for n in range(WRITERS):
        names = AuditEntry.objects.filter(actor_name=f"writer-{n}").count()
        assert names == WRITES


def test_flush_can_empty_the_trail_only_as_a_whole(transactional_db: Any) -> None:
    # A transactional test's flush removes everything, audit entries included, and puts the
    # append-only triggers back: the next statement is refused again.
    build_small_map()
    audit_chain.seal_pending()
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    build_small_map()
    entry = AuditEntry.objects.first()
    assert entry is not None
    with pytest.raises(Exception, match="kept at least"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
