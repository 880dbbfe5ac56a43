"""Duplicates: open cases of the same category within 200 m, reported in the 24 hours before."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from gridgov.cases.models import Case, Category
from gridgov.cases.models.case import OPEN_STATES, case_number
from gridgov.core.compiled import Form

DUPLICATE_METRES = 200
DUPLICATE_HOURS = 24
# What an offer to merge shows of a nearby case (its number, title, state, time and distance), read as
# plain values from the case's own row. Not the whole row a list shows: a busy place has dozens of
# duplicates, and every report there is answered with all of them (docs/cases.md).
SUMMARY_VALUES = ("pk", "title", "state", "reported_at", "lng", "lat")


@dataclass(frozen=True, slots=True)
class Summary:
    """A nearby case as an offer to merge shows it, `metres` from the new one. Plain values, not a
    model instance: an audited instance would be snapshotted on loading."""

    values: dict[str, Any]
    metres: float = 0.0

    @property
    def pk(self) -> int:
        return int(self.values["pk"])

    @property
    def title(self) -> str:
        return str(self.values["title"])

    @property
    def number(self) -> str:
        return case_number(self.values["reported_at"], self.pk)


def _bounds(lng: float, lat: float, at: dt.datetime) -> tuple[dt.datetime, float, float, float, float]:
    """Since when, and the box (lowest and highest latitude, then longitude) around the place."""
    dlat = DUPLICATE_METRES / 111_320
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    return at - dt.timedelta(hours=DUPLICATE_HOURS), lat - dlat, lat + dlat, lng - dlng, lng + dlng


def nearby(category_id: int, lng: float, lat: float, at: dt.datetime) -> QuerySet[Case]:
    """Open cases of the category in the box around the place, reported in the 24 hours before `at`:
    read along the index (category, reported_at, lat, lng), the box checked inside the index."""
    since, lat_lo, lat_hi, lng_lo, lng_hi = _bounds(lng, lat, at)
    return Case.objects.filter(
        category_id=category_id,
        reported_at__gte=since,
        lat__range=(lat_lo, lat_hi),
        lng__range=(lng_lo, lng_hi),
        state__in=OPEN_STATES,
    ).order_by("reported_at")


# nearby()'s summary values as SQL, compiled once per process and database (see gridgov.core.compiled),
# with the names of its columns. Django compiles that query in about a millisecond, on every intake;
# the compiled text only ever differs in the parameters.
_COMPILED: dict[str, tuple[Form, list[str]] | None] = {}
# Inputs no real report has (a category id below zero, a point off the globe, a date in 1901).
_PROBE = (-918_273_645, -1234.5678, -87.654321, dt.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=dt.UTC))


def _inputs(category_id: int, lng: float, lat: float, at: dt.datetime) -> list[Any]:
    return [category_id, *_bounds(lng, lat, at)]


def _compile(alias: str) -> tuple[Form, list[str]] | None:
    values = nearby(*_PROBE).values(*SUMMARY_VALUES)
    form, query = Form(values, _inputs(*_PROBE), alias), values.query
    if form.places is None or form.compiler.get_converters([c for c, _s, _a in form.compiler.select]):
        return None  # values() would convert what the database returns: leave it to values()
    return form, [*query.extra_select, *query.values_select, *query.annotation_select]


def nearby_sql(
    category_id: int, lng: float, lat: float, at: dt.datetime, alias: str
) -> tuple[str, list[Any]] | None:
    """nearby()'s summary values as (sql, params) for `alias`, or None where the compiled form cannot be
    trusted (then ask the queryset). Rows come back in SUMMARY_VALUES order: see summaries()."""
    if alias not in _COMPILED:
        _COMPILED[alias] = _compile(alias)
    compiled = _COMPILED[alias]
    if compiled is None:
        return None
    form = compiled[0]
    return form.sql, form.params(_inputs(category_id, lng, lat, at))


def summaries(case: Case, rows: list[tuple[Any, ...]], alias: str) -> list[Summary]:
    """The duplicates of `case` from the rows of nearby_sql(): those within the distance, itself excluded."""
    compiled = _COMPILED[alias]
    assert compiled is not None
    names = compiled[1]
    values = [dict(zip(names, row, strict=True)) for row in rows]
    found = [Summary(v, metres(case.lng, case.lat, v["lng"], v["lat"])) for v in values]
    return [s for s in found if s.pk != case.pk and s.metres <= DUPLICATE_METRES]


def metres(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    x = math.radians(lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6_371_000 * math.hypot(x, math.radians(lat2 - lat1))


def duplicates_of(category: Category, lng: float, lat: float, at: dt.datetime) -> list[Case]:
    """Open cases of the same category near the place, reported not long before: offered for merging."""
    return [
        c for c in nearby(category.pk, lng, lat, at) if metres(lng, lat, c.lng, c.lat) <= DUPLICATE_METRES
    ]


def around_new_case(case: Case, viewer: Any) -> tuple[list[Summary], bool]:
    """The duplicates of a case just logged, and whether `viewer` may see the case (None: no
    viewer to ask about) — one query: the case is itself open, at the centre of its own circle."""
    rows = nearby(case.category_id, case.lng, case.lat, case.reported_at)
    fields: tuple[str, ...] = SUMMARY_VALUES
    if viewer is not None:
        rows = rows.annotate(visible=Exists(Case.objects.restrict(viewer, "view").filter(pk=OuterRef("pk"))))
        fields = (*fields, "visible")
    near = [Summary(v, metres(case.lng, case.lat, v["lng"], v["lat"])) for v in rows.values(*fields)]
    found = [s for s in near if s.metres <= DUPLICATE_METRES]
    own = next((s for s in found if s.pk == case.pk), None)
    if viewer is None:
        visible = True
    elif own is not None:
        visible = bool(own.values["visible"])
    else:  # not expected (see above); asked separately rather than assumed
        visible = Case.objects.restrict(viewer, "view").filter(pk=case.pk).exists()
    return [s for s in found if s.pk != case.pk], visible
