"""What each figure counts, written once: the per-case facts behind the rollup and the naive GROUP BY
both build on these conditions, so the two can only differ in how they add up (docs/figures.md).

Every counter belongs to a family: the timestamp whose local day puts the case in a period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import DurationField, Exists, ExpressionWrapper, F, OuterRef, Q

from gridgov.cases.models import CaseEvent, Escalation
from gridgov.cases.models.case import Level, State
from gridgov.cases.models.categories import HandlerKind

# Merged and cancelled cases were reported but are never due: a duplicate or a void report has no
# deadline anybody is assessed against.
VOID_STATES = (State.MERGED, State.CANCELLED)
SATISFIED_FROM = 4  # ratings 4 and 5 count as satisfied


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: dt.date) -> dt.datetime:
    """The instant a local day starts: periods are whole local days, [start, end)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_tz())


def local_day(at: dt.datetime) -> dt.date:
    return at.astimezone(local_tz()).date()


def escalated_for_acceptance() -> Exists:
    return Exists(Escalation.objects.filter(case=OuterRef("pk"), stage="accept"))


def ever_escalated() -> Exists:
    # Escalations by the worker and by a person both leave an "escalate" event on the timeline.
    return Exists(CaseEvent.objects.filter(case=OuterRef("pk"), action="escalate"))


def accepted_in_time() -> Q:
    """Accepted by its accept-by time, and never escalated for not being accepted: escalation gives
    the new holder a fresh accept-by time, which must not make the first holder's delay disappear."""
    return Q(accepted_at__isnull=False, accepted_at__lte=F("accept_due")) & ~Q(escalated_for_acceptance())


def closed_in_time() -> Q:
    return Q(closed_at__isnull=False, closed_at__lte=F("deadline"))


def closed_in_grid() -> Q:
    """小事不出格: closed by the grid's own holder (grid handler, level 0), never escalated."""
    return Q(closed_at__isnull=False, handler=HandlerKind.GRID, level=Level.HANDLER) & ~Q(ever_escalated())


def closed_in_village() -> Q:
    """小事不出村: closed without reaching the sub-district command centre (level 0 or 1)."""
    return Q(closed_at__isnull=False, level__lte=Level.VILLAGE)


def handling_time() -> ExpressionWrapper[Any]:
    return ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField())


def is_due() -> Q:
    return ~Q(state__in=VOID_STATES)


@dataclass(frozen=True)
class Family:
    """Counters that share the timestamp whose day places them in a period."""

    at: str
    counts: dict[str, Q | None]  # counter → extra condition (None: every case of the family)
    sums: dict[str, Any] = field(default_factory=dict)  # counter → expression summed
    base: Q | None = None  # condition for the whole family


def case_families() -> list[Family]:
    closed = Q(closed_at__isnull=False)
    rated = Q(rating__isnull=False)
    return [
        Family("reported_at", {"reported": None}),
        Family("accepted_at", {"accepted": None, "accepted_in_time": accepted_in_time()}),
        Family("dispatched_at", {"dispatched": None}),
        Family(
            "closed_at",
            {
                "closed": None,
                "closed_in_time": closed_in_time(),
                "reworked": Q(rework_count__gt=0),
                "closed_in_grid": closed_in_grid(),
                "closed_in_village": closed_in_village(),
                "rated": rated,
                "satisfied": Q(rating__gte=SATISFIED_FROM),
            },
            sums={"rating_sum": F("rating"), "handling": handling_time()},
            base=closed,
        ),
        Family(
            "deadline",
            {
                "due": None,
                "deferred": Q(deferred=True),
                "due_closed": Q(deferred=False) & closed,
                "due_closed_in_time": Q(deferred=False) & closed_in_time(),
            },
            base=is_due(),
        ),
    ]
