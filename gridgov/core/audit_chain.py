"""The audit trail's chain: sealing new entries into it, verifying it, pruning its old end.

Entries are written unsealed (gridgov.core.audit) so that writers never wait on one another; the worker
seals them in order, each entry's chain hash covering the previous one's, and `gridgov audit verify`
walks the chain to the anchor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone

from gridgov.core.audit import chain_hash, content_hash
from gridgov.core.models.audit import AuditAnchor, AuditEntry


def seal_pending(limit: int = 50_000) -> int:
    """Give unsealed entries their place in the chain, in one short transaction. Returns how many."""
    # get_or_create settles a race between two first sealers; the row lock then orders all sealers.
    AuditAnchor.objects.get_or_create(pk=1)
    with transaction.atomic():
        anchor = AuditAnchor.objects.select_for_update().get(pk=1)
        pending = list(
            AuditEntry.objects.filter(seq__isnull=True)
            .order_by("id")
            .values_list("id", "content_hash")[:limit]
        )
        if not pending:
            return 0
        seq, previous = anchor.last_seq, anchor.last_hash
        assigned: list[tuple[int, int, str]] = []
        for entry_id, content in pending:
            seq += 1
            previous = chain_hash(previous, seq, content)
            assigned.append((entry_id, seq, previous))
        # One statement run many times: fast on both databases, unlike one CASE over hundreds of rows.
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE core_auditentry SET seq = %s, chain_hash = %s WHERE id = %s AND seq IS NULL",
                [(n, digest, entry_id) for entry_id, n, digest in assigned],
            )
        anchor.last_seq, anchor.last_hash = seq, previous
        anchor.save(update_fields=["last_seq", "last_hash"])
        return len(assigned)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    problem: str = ""


def verify(batch: int = 5_000) -> VerifyResult:
    """Walk the chain; report the first entry that was edited, inserted or deleted."""
    stored_anchor = AuditAnchor.objects.filter(pk=1).first()
    anchor = stored_anchor or AuditAnchor(pk=1)
    expected_seq, previous = anchor.pruned_through_seq, anchor.pruned_hash
    checked = 0
    last_seen = anchor.pruned_through_seq
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last_seen).order_by("seq")[:batch])
        if not rows:
            break
        for entry in rows:
            expected_seq += 1
            assert entry.seq is not None
            if entry.seq != expected_seq:
                return VerifyResult(
                    False, checked, expected_seq, None, f"entry {expected_seq} is missing (deleted)"
                )
            if content_hash(entry) != entry.content_hash:
                return VerifyResult(False, checked, entry.seq, entry.id, "entry was edited")
            if chain_hash(previous, entry.seq, entry.content_hash) != entry.chain_hash:
                return VerifyResult(
                    False, checked, entry.seq, entry.id, "chain broken (entry inserted or rehashed)"
                )
            previous = entry.chain_hash
            checked += 1
        last_seen = rows[-1].seq or last_seen
    if stored_anchor is not None and expected_seq < anchor.last_seq:
        return VerifyResult(
            False, checked, expected_seq + 1, None, "entries after this one are missing (deleted)"
        )
    if previous != anchor.last_hash and checked:
        return VerifyResult(False, checked, expected_seq, None, "chain head does not match the anchor")
    return VerifyResult(True, checked)


def prune(older_than_days: int) -> int:
    """Remove sealed entries older than the retention period, keeping the chain verifiable."""
    from django.conf import settings

    minimum = settings.GRIDGOV_AUDIT_RETENTION_DAYS
    if older_than_days < minimum:
        raise ValueError(f"audit entries are kept at least {minimum} days")
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    with transaction.atomic():
        anchor = AuditAnchor.objects.select_for_update().get(pk=1)
        last = (
            AuditEntry.objects.filter(seq__isnull=False, at__lt=cutoff)
            .order_by("-seq")
            .values_list("seq", "chain_hash")
            .first()
        )
        if last is None:
            return 0
        doomed = AuditEntry.objects.filter(seq__lte=last[0], seq__gt=anchor.pruned_through_seq)
        count, _ = models.QuerySet.delete(doomed)
        anchor.pruned_through_seq, anchor.pruned_hash = int(last[0] or 0), last[1]
        anchor.save(update_fields=["pruned_through_seq", "pruned_hash"])
        return count
