"""Boundary changes made one record at a time (admin, API) bump the map version."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gridgov.geo.models import Grid


@receiver(post_save, sender=Grid)
@receiver(post_delete, sender=Grid)
def _grid_changed(sender: type[Grid], instance: Grid, **kwargs: Any) -> None:
    from gridgov.geo.index import bump_map_version

    before = getattr(instance, "_audit_before", {})
    if kwargs.get("created") is False and before.get("boundary") == instance.boundary:
        return
    bump_map_version()
