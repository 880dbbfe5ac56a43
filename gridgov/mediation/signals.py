"""Keeps Dispute.grid, a copy of its case's grid, right when the case moves to another grid."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

_UNKNOWN = object()


@receiver(post_save, sender="cases.Case", dispatch_uid="mediation_dispute_follows_its_case")
def dispute_follows_its_case(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        return  # a new case has no dispute yet: open_dispute() copies the grid
    # AuditedModel keeps the row as loaded until after post_save, so an unchanged grid costs no query.
    before = getattr(instance, "_audit_before", None) or {}
    if before.get("grid_id", _UNKNOWN) == instance.grid_id:
        return
    from gridgov.mediation.models import Dispute

    Dispute.objects.filter(case_id=instance.pk).exclude(grid_id=instance.grid_id).update(
        grid_id=instance.grid_id
    )
