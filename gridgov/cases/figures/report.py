"""The one answer the API, the page and the .xlsx export share: figures per row, the total, the
trend by day, and how fresh the rollup is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gridgov.accounts.models import User
from gridgov.cases.figures import query, rollup, scope
from gridgov.cases.models import Department
from gridgov.cases.models.rollups import RollupState
from gridgov.geo.models import Grid, PoliceZone, Village

# Every figure in the order pages and sheets show them, with the words its key stands for.
LABELS: dict[str, Any] = {
    "reported": gettext_lazy("reported"),
    "accepted": gettext_lazy("accepted"),
    "accepted_in_time": gettext_lazy("accepted in time"),
    "dispatched": gettext_lazy("dispatched"),
    "closed": gettext_lazy("closed (handled)"),
    "closed_in_time": gettext_lazy("closed on time"),
    "reworked": gettext_lazy("closed after rework"),
    "rework_events": gettext_lazy("returned for rework (times)"),
    "escalations": gettext_lazy("escalations"),
    "closed_in_grid": gettext_lazy("closed inside the grid"),
    "closed_in_village": gettext_lazy("closed inside the village"),
    "rated": gettext_lazy("rated"),
    "rating_sum": gettext_lazy("sum of ratings"),
    "satisfied": gettext_lazy("rated 4 or 5"),
    "due": pgettext_lazy("cases", "due"),
    "deferred": gettext_lazy("due but deferred"),
    "due_closed": gettext_lazy("due and closed"),
    "due_closed_in_time": gettext_lazy("due and closed on time"),
    "handling_hours": gettext_lazy("handling time (hours, total)"),
    "on_time_closure_rate": gettext_lazy("on-time closure rate"),
    "closure_rate": gettext_lazy("closure rate"),
    "rework_rate": gettext_lazy("rework rate"),
    "timely_acceptance_rate": gettext_lazy("timely acceptance rate"),
    "avg_handling_hours": gettext_lazy("average handling time (hours)"),
    "avg_rating": gettext_lazy("average rating"),
    "satisfied_share": gettext_lazy("share satisfied"),
    "in_grid_share": gettext_lazy("share closed inside the grid"),
    "in_village_share": gettext_lazy("share closed inside the village"),
}
SHARES = frozenset(
    {
        "on_time_closure_rate",
        "closure_rate",
        "rework_rate",
        "timely_acceptance_rate",
        "satisfied_share",
        "in_grid_share",
        "in_village_share",
    }
)
LEVEL_LABELS: dict[str, Any] = {
    "assignee": gettext_lazy("holder"),
    "grid": gettext_lazy("grid"),
    "village": gettext_lazy("village or community"),
    "police_zone": gettext_lazy("police zone"),
    "department": gettext_lazy("department"),
}
TREND_DAYS = 400  # a longer period is answered without the day-by-day trend


def labels(level: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(code, name) of each row's place, holder or department; 0 stands for none."""
    found: dict[int, tuple[str, str]] = {0: ("", _("nobody") if level == "assignee" else _("none"))}
    if level == "assignee":
        for pk, username, full_name in User.objects.filter(pk__in=ids).values_list(
            "pk", "username", "full_name"
        ):
            found[pk] = (username, full_name or username)
        return found
    model: Any = {"grid": Grid, "village": Village, "police_zone": PoliceZone, "department": Department}[
        level
    ]
    for pk, code, name in model.objects.filter(pk__in=ids).values_list("pk", "code", "name"):
        found[pk] = (code, name)
    return found


def build(
    user: Any, level: str, start: dt.date | None, end: dt.date | None, code: str = ""
) -> dict[str, Any]:
    selection = scope.selection_for(user, level, start, end, code)
    span = (selection.end - selection.start).days
    if span <= TREND_DAYS:
        rows, daily = query.figures_and_trend(selection, level)
    else:
        rows, daily = query.figures(selection, level), {}
    names = labels(level, list(rows))
    state = RollupState.objects.filter(pk=1).first()
    as_of = state.refreshed_at if state else None
    listed = [
        {"id": pk, "code": names.get(pk, ("", ""))[0], "name": names.get(pk, ("", str(pk)))[1], **f.as_dict()}
        for pk, f in rows.items()
    ]
    listed.sort(key=lambda r: (r["id"] == 0, r["code"], r["name"]))
    return {
        "level": level,
        "code": code,
        "start": selection.start.isoformat(),
        "end": selection.end.isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "pending": rollup.pending(),
        "total": query.total(rows).as_dict(),
        "rows": listed,
        # Every day of the period, quiet ones as zeros, so a chart's days are evenly spaced.
        "trend": [
            {"day": day.isoformat(), **daily.get(day, query.Figures()).as_dict()}
            for day in (selection.start + dt.timedelta(days=n) for n in range(span))
        ]
        if span <= TREND_DAYS
        else [],
    }
