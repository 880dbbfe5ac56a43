"""Duplicates: open cases of the same category within 200 m, reported in the 24 hours before."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from gridgov.cases.models import Case, Category
from gridgov.cases.models.case import OPEN_STATES

DUPLICATE_METRES = 200
DUPLICATE_HOURS = 24
# What a list shows of a case (number, title, state, place, holder): read as plain values.
SUMMARY_VALUES = (
    *("pk", "title", "state", "version", "channel", "police", "handler", "level", "lng", "lat"),
    *("address", "reported_at", "deadline", "resolve_due", "closed_at", "rating"),
    *("category__code", "category__name", "grid__code", "grid__name"),
    *("assignee_id", "assignee__username", "assignee__full_name"),
)


@dataclass(frozen=True, slots=True)
class Summary:
    """A case as a list shows it. Plain values, not a model instance: an audited instance would be
    snapshotted on loading, and intake answers with every duplicate."""

    values: dict[str, Any]

    @property
    def pk(self) -> int:
        return int(self.values["pk"])

    @property
    def title(self) -> str:
        return str(self.values["title"])

    @property
    def number(self) -> str:
        return f"{self.values['reported_at']:%Y%m%d}-{self.pk:06d}"


def nearby(category_id: int, lng: float, lat: float, at: dt.datetime) -> QuerySet[Case]:
    """Open cases of the category in the box around the place, reported in the 24 hours before `at`:
    read along the index (category, reported_at, lat, lng), the box checked inside the index."""
    dlat = DUPLICATE_METRES / 111_320
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    return Case.objects.filter(
        category_id=category_id,
        reported_at__gte=at - dt.timedelta(hours=DUPLICATE_HOURS),
        lat__range=(lat - dlat, lat + dlat),
        lng__range=(lng - dlng, lng + dlng),
        state__in=OPEN_STATES,
    ).order_by("reported_at")


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
    found = [
        Summary(v)
        for v in rows.values(*fields)
        if metres(case.lng, case.lat, v["lng"], v["lat"]) <= DUPLICATE_METRES
    ]
    own = next((s for s in found if s.pk == case.pk), None)
    if viewer is None:
        visible = True
    elif own is not None:
        visible = bool(own.values["visible"])
    else:  # not expected (see above); asked separately rather than assumed
        visible = Case.objects.restrict(viewer, "view").filter(pk=case.pk).exists()
    return [s for s in found if s.pk != case.pk], visible
