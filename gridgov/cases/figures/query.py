"""The figures of a selection of cases over a period: from the rollup, and naively from the cases.

`figures()` and `trend()` read the daily rollup (a month of a sub-district is a few thousand rows);
`naive_figures()` and `naive_trend()` count the same with GROUP BY over the cases themselves — the
benchmark's baseline, and the tests' proof that the rollup agrees exactly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from gridgov.cases.figures import definitions as d
from gridgov.cases.models import Case, CaseEvent, Escalation
from gridgov.cases.models.rollups import COUNTERS, RollupDay

# The levels figures are grouped by, and the column each one is in (cases and rollup alike).
LEVELS: dict[str, str] = {
    "assignee": "assignee_id",
    "grid": "grid_id",
    "village": "village_id",
    "police_zone": "police_zone_id",
    "department": "department_id",
}
RATES = (
    "on_time_closure_rate",
    "closure_rate",
    "rework_rate",
    "timely_acceptance_rate",
    "avg_handling_hours",
    "avg_rating",
    "satisfied_share",
    "in_grid_share",
    "in_village_share",
)


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    handling: dt.timedelta = dt.timedelta(0)

    def add(self, other: Figures) -> None:
        for name in COUNTERS:
            self.counts[name] += other.counts[name]
        self.handling += other.handling

    def rates(self) -> dict[str, float | None]:
        c = self.counts
        assessed = c["due"] - c["deferred"]  # 应结案数: due in the period, less those deferred
        hours = self.handling.total_seconds() / 3600
        return {
            "on_time_closure_rate": _ratio(c["due_closed_in_time"], assessed),  # 按期结案率
            "closure_rate": _ratio(c["due_closed"], assessed),  # 结案率
            "rework_rate": _ratio(c["reworked"], c["closed"]),  # 返工率: reworked / handled
            "timely_acceptance_rate": _ratio(c["accepted_in_time"], c["accepted"]),  # 及时受理率
            "avg_handling_hours": _ratio(hours, c["closed"]),
            "avg_rating": _ratio(c["rating_sum"], c["rated"]),
            "satisfied_share": _ratio(c["satisfied"], c["rated"]),
            "in_grid_share": _ratio(c["closed_in_grid"], c["closed"]),  # 小事不出格
            "in_village_share": _ratio(c["closed_in_village"], c["closed"]),  # 小事不出村
        }

    def as_dict(self) -> dict[str, Any]:
        rates = {k: None if v is None else round(v, 4) for k, v in self.rates().items()}
        return {**self.counts, "handling_hours": round(self.handling.total_seconds() / 3600, 2), **rates}


@dataclass(frozen=True)
class Selection:
    """Which cases: those in `grids` (a Grid queryset, already restricted), optionally only one
    holder's or some departments'; over the local days [start, end)."""

    grids: Any
    start: dt.date
    end: dt.date
    assignee_id: int | None = None
    department_ids: tuple[int, ...] | None = None


def total(rows: dict[Any, Figures]) -> Figures:
    whole = Figures()
    for figures in rows.values():
        whole.add(figures)
    return whole


# --- from the rollup -------------------------------------------------------------------------------
def _rollup(selection: Selection) -> QuerySet[RollupDay]:
    rows = RollupDay.objects.filter(
        day__gte=selection.start, day__lt=selection.end, grid_id__in=selection.grids.values("pk")
    )
    if selection.assignee_id is not None:
        rows = rows.filter(assignee_id=selection.assignee_id)
    if selection.department_ids is not None:
        rows = rows.filter(department_id__in=selection.department_ids)
    return rows.order_by()


def _summed(rows: QuerySet[RollupDay], *group: str) -> dict[Any, Figures]:
    sums: dict[str, Any] = {f"s_{c}": Sum(c) for c in (*COUNTERS, "handling")}
    out: dict[Any, Figures] = {}
    for row in rows.values(*group).annotate(**sums):
        counts = {c: int(row[f"s_{c}"] or 0) for c in COUNTERS}
        key = row[group[0]] if len(group) == 1 else tuple(row[g] for g in group)
        out[key] = Figures(counts, row["s_handling"] or dt.timedelta(0))
    return out


def figures(selection: Selection, level: str) -> dict[int, Figures]:
    """Figures per holder, grid, village, police zone or department (id 0: none) from the rollup."""
    return _summed(_rollup(selection), LEVELS[level])


def trend(selection: Selection) -> dict[dt.date, Figures]:
    return _summed(_rollup(selection), "day")


def figures_and_trend(selection: Selection, level: str) -> tuple[dict[int, Figures], dict[dt.date, Figures]]:
    """Both from one read of the rollup (rows per day and level), for the page and the API."""
    column = LEVELS[level]
    by_level: dict[int, Figures] = defaultdict(Figures)
    by_day: dict[dt.date, Figures] = defaultdict(Figures)
    for (day, key), figures in _summed(_rollup(selection), "day", column).items():
        by_level[key].add(figures)
        by_day[day].add(figures)
    return dict(by_level), dict(by_day)


# --- naively, from the cases -----------------------------------------------------------------------
Group = Callable[[str, str], Any]  # (path to the case's columns, timestamp field) → group expression


def _cases(selection: Selection) -> QuerySet[Case]:
    cases = Case.objects.filter(grid__in=selection.grids.values("pk"))
    if selection.assignee_id is not None:
        cases = cases.filter(assignee_id=selection.assignee_id)
    if selection.department_ids is not None:
        cases = cases.filter(department_id__in=selection.department_ids)
    return cases.order_by()


def _naive(selection: Selection, group: Group) -> dict[Any, Figures]:
    start, end = d.local_midnight(selection.start), d.local_midnight(selection.end)
    out: dict[Any, Figures] = defaultdict(Figures)
    for family in d.case_families():
        cases = _cases(selection).filter(**{f"{family.at}__gte": start, f"{family.at}__lt": end})
        if family.base is not None:
            cases = cases.filter(family.base)
        aggregates: dict[str, Any] = {
            f"n_{name}": Count("pk", filter=condition) if condition is not None else Count("pk")
            for name, condition in family.counts.items()
        }
        aggregates |= {f"n_{name}": Sum(expression) for name, expression in family.sums.items()}
        for row in cases.annotate(g=group("", family.at)).values("g").annotate(**aggregates):
            figures = out[row["g"]]
            for name in family.counts:
                figures.counts[name] += row[f"n_{name}"]
            if "rating_sum" in family.sums:
                figures.counts["rating_sum"] += row["n_rating_sum"] or 0
            if "handling" in family.sums:
                figures.handling += row["n_handling"] or dt.timedelta(0)
    events: list[tuple[QuerySet[Any], str]] = [
        (Escalation.objects.all(), "escalations"),
        (CaseEvent.objects.filter(action="rework"), "rework_events"),
    ]
    for rows, name in events:
        rows = rows.filter(case__in=_cases(selection), at__gte=start, at__lt=end).order_by()
        for row in rows.annotate(g=group("case__", "at")).values("g").annotate(n=Count("pk")):
            out[row["g"]].counts[name] += row["n"]
    return dict(out)


def naive_figures(selection: Selection, level: str) -> dict[int, Figures]:
    column = LEVELS[level]
    return _naive(selection, lambda path, _at: Coalesce(F(f"{path}{column}"), Value(0)))


def naive_trend(selection: Selection) -> dict[dt.date, Figures]:
    return _naive(selection, lambda _path, at: TruncDate(at, tzinfo=d.local_tz()))
