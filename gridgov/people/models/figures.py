"""Derived data behind the 底数清 figures: which grids changed, and each grid's figures as last counted.

Neither is on the audit trail (like the case rollups): both are rebuilt from the registry itself.
"""

from __future__ import annotations

from django.db import models

from gridgov.geo.models import Grid


class GridChange(models.Model):
    """One row per statement (PostgreSQL) or row (SQLite) that wrote a grid's residents, households,
    buildings, registrations or tags, appended by database triggers in the writing transaction
    (gridgov.people.services.figures_triggers), whatever wrote it.

    A grid's *mark* is the sum of its rows' weights: it grows with every committed change and nothing
    else, whatever order transactions commit in (a counter or a largest id would not: a transaction
    that started earlier can commit later). Compaction folds a grid's rows into one row of the same
    total, so the mark survives it. Append-only: writers never wait on each other here.
    """

    grid_id = models.BigIntegerField()
    weight = models.BigIntegerField(default=1, db_default=1)

    class Meta:
        indexes = [models.Index(fields=["grid_id", "weight"], name="people_gridchange_mark")]

    def __str__(self) -> str:
        return f"grid {self.grid_id} +{self.weight}"


class GridFigures(models.Model):
    """A grid's figures for `on` (a day), counted when the grid's mark was `mark`: still true while the
    mark and the day are the same (gridgov.people.services.figures_cache)."""

    grid = models.OneToOneField(
        Grid, on_delete=models.CASCADE, primary_key=True, related_name="registry_figures"
    )
    on = models.DateField()
    mark = models.BigIntegerField()
    households = models.IntegerField()
    registered = models.IntegerField()
    floating = models.IntegerField()
    tagged = models.IntegerField()
    lapsed_registrations = models.IntegerField()
    empty_households = models.IntegerField()
    buildings_without_households = models.IntegerField()

    def __str__(self) -> str:
        return f"figures of grid {self.grid_id} on {self.on}"
