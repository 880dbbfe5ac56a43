"""Optimistic concurrency for records with a `version`: of two people acting at once, one wins."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model

from gridgov.core.errors import ApiError


def bump(instance: Model, version: int, message: str, **changes: Any) -> None:
    """Write `changes` only if the record is still at `version` (the one the actor saw); else 409."""
    model = type(instance)
    if (
        getattr(instance, "version", None) != version
        or model._default_manager.filter(pk=instance.pk, version=version).update(
            version=F("version") + 1, **changes
        )
        != 1
    ):
        raise ApiError(409, "conflict", message)
    instance.refresh_from_db()
