"""Rollups for the assessment figures (考核): daily counters, so a month answers from a few thousand rows.

Derived data, rebuilt from the cases at will (gridgov.cases.figures.rollup), so plain models without
the audit trail: the trail records the cases they are computed from. Places and people are kept as
plain ids rather than foreign keys — no index or constraint per column slows the worker's upserts,
and 0 stands for "none" (no department, nobody assigned) so every key column is NOT NULL and the
unique key works alike on PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

# The counters a rollup row and a figures answer carry, in one order (see docs/figures.md).
COUNTERS: tuple[str, ...] = (
    "reported",
    "accepted",
    "accepted_in_time",
    "dispatched",
    "closed",
    "closed_in_time",
    "reworked",
    "closed_in_grid",
    "closed_in_village",
    "rated",
    "rating_sum",
    "satisfied",
    "due",
    "deferred",
    "due_closed",
    "due_closed_in_time",
    "escalations",
    "rework_events",
)
DIMENSIONS: tuple[str, ...] = ("grid_id", "village_id", "police_zone_id", "assignee_id", "department_id")


class RollupDay(models.Model):
    """One day of one holder's cases in one grid (with its department): every counter for that day."""

    day = models.DateField()
    grid_id = models.BigIntegerField()
    village_id = models.BigIntegerField()
    police_zone_id = models.BigIntegerField()
    assignee_id = models.BigIntegerField(default=0)
    department_id = models.BigIntegerField(default=0)
    reported = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    accepted_in_time = models.IntegerField(default=0)
    dispatched = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_in_time = models.IntegerField(default=0)
    reworked = models.IntegerField(default=0)
    closed_in_grid = models.IntegerField(default=0)
    closed_in_village = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    due = models.IntegerField(default=0)
    deferred = models.IntegerField(default=0)
    due_closed = models.IntegerField(default=0)
    due_closed_in_time = models.IntegerField(default=0)
    escalations = models.IntegerField(default=0)
    rework_events = models.IntegerField(default=0)
    handling = models.DurationField(default=dt.timedelta(0))

    class Meta:
        default_permissions = ()
        constraints = [
            # Grid first, then day: a period over a set of grids is one short range per grid (with the
            # day first, each grid would scan the whole period's index entries of every grid).
            models.UniqueConstraint(
                fields=["grid_id", "day", "assignee_id", "department_id", "village_id", "police_zone_id"],
                name="cases_rollupday_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} grid {self.grid_id} assignee {self.assignee_id}"


class RollupCase(models.Model):
    """What one case contributed at the last refresh, so a change subtracts exactly that and adds the
    new contribution: the worker's cost follows the number of changed cases, not the size of a day."""

    case_id = models.BigIntegerField(primary_key=True)
    grid_id = models.BigIntegerField()
    village_id = models.BigIntegerField()
    police_zone_id = models.BigIntegerField()
    assignee_id = models.BigIntegerField(default=0)
    department_id = models.BigIntegerField(default=0)
    reported_on = models.DateField()
    accepted_on = models.DateField(null=True)
    accepted_in_time = models.BooleanField(default=False)
    dispatched_on = models.DateField(null=True)
    closed_on = models.DateField(null=True)
    closed_in_time = models.BooleanField(default=False)
    reworked = models.BooleanField(default=False)
    in_grid = models.BooleanField(default=False)
    in_village = models.BooleanField(default=False)
    handling = models.DurationField(null=True)
    rating = models.SmallIntegerField(null=True)
    due_on = models.DateField(null=True)  # empty for merged and cancelled cases: never due
    deferred = models.BooleanField(default=False)
    # Local days, comma-separated: kept here because a deleted case takes its rows with it.
    escalation_days = models.TextField(default="", blank=True)
    rework_days = models.TextField(default="", blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"case {self.case_id}"


class RollupDirty(models.Model):
    """Cases changed since the last refresh. Database triggers on cases, escalations and events fill
    it in the changing transaction itself, so no write path (ORM, raw SQL, admin) can be missed."""

    id = models.BigAutoField(primary_key=True)
    case_id = models.BigIntegerField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"case {self.case_id} changed"


class RollupState(models.Model):
    """One row: its lock orders refreshes and rebuilds; its times say how fresh the figures are."""

    refreshed_at = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"rollup refreshed {self.refreshed_at}"
