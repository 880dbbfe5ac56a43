"""The stamp that says whether a process's cached reference data is still current."""

from __future__ import annotations

from django.db import models


class ReferenceVersion(models.Model):
    """One row (pk 1). Database triggers give `stamp` a new random value in the same transaction as
    any change to what intake caches: categories, departments and their members, triage rules,
    webhook endpoints, grids and their workers, police zones, villages, and accounts' names, roles,
    scopes and active flags (gridgov.cases.services.reference_triggers).

    Random rather than a counter: a rolled-back transaction or a flushed table can never bring back a
    value that an older cache was built under. Derived data, not on the audit trail (like MapVersion).
    """

    stamp = models.BigIntegerField()

    def __str__(self) -> str:
        return f"reference data {self.stamp}"
