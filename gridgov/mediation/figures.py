"""Dispute figures (矛调数据) for a grid, village, mediation centre or sub-district over [start, end).

One function, `report()`, computes them. The page, `/api/v1/mediation/figures` and the .xlsx export
all call it, so one place and one period always show the same numbers. Every query starts from
`restrict()`: an account counts only the disputes of its own grids. Formulas: docs/mediation.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Func, IntegerField, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import Invalid, NotInScope
from gridgov.geo.models import Grid, SubDistrict, Village
from gridgov.mediation.models import (
    Agreement,
    Dispute,
    FollowUp,
    MediationCentre,
)

LEVELS = ("sub_district", "village", "grid", "centre")
RESOLVED = (Dispute.Outcome.RESOLVED, Dispute.Outcome.AGREEMENT)
ENDED_OUTCOMES: tuple[str, ...] = tuple(
    o.value for o in (Dispute.Outcome.RESOLVED, Dispute.Outcome.AGREEMENT, Dispute.Outcome.REFERRED)
)
VILLAGE_TIERS = 2  # 小事不出村: ended at tier 1 or 2
TOWN_TIERS = 4  # 大事不出镇: ended at tiers 1 to 4
TIERS = 5
MAX_PERIOD_DAYS = 3660
Day = dt.date | None


class DaysBetween(Func):
    """Whole days from the second date to the first, in SQL (no row reaches Python)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"  # PostgreSQL: date - date is an integer of days
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _tiers() -> list[int]:
    return [0] * TIERS


@dataclass
class Figures:
    found: int = 0
    open: int = 0
    ended: int = 0
    resolved: int = 0
    agreements: int = 0
    referred: int = 0
    resolved_tier_1_2: int = 0
    resolved_tier_1_4: int = 0
    days: int = 0  # the sum of (ended_on - happened_on) over the resolved disputes
    police_referrals: int = 0  # disputes referred to the police
    police_answered: int = 0  # of those, disputes the police answered
    agreements_performed: int = 0
    agreements_broken: int = 0
    follow_ups: int = 0
    follow_ups_done: int = 0
    follow_ups_due: int = 0
    ran_more_than_once: int = 0
    # Ended disputes by the tier they ended at: outcome -> [tier 1, ..., tier 5].
    by_tier: dict[str, list[int]] = field(
        default_factory=lambda: {outcome: _tiers() for outcome in ENDED_OUTCOMES}
    )

    @property
    def share_village(self) -> float | None:
        return _percent(self.resolved_tier_1_2, self.ended)

    @property
    def share_town(self) -> float | None:
        return _percent(self.resolved_tier_1_4, self.ended)

    @property
    def avg_days(self) -> float | None:
        return round(self.days / self.resolved, 1) if self.resolved else None

    def add(self, other: Figures) -> None:
        for f in fields(self):
            if f.name == "by_tier":
                for outcome, counts in other.by_tier.items():
                    self.by_tier[outcome] = [
                        a + b for a, b in zip(self.by_tier[outcome], counts, strict=True)
                    ]
            else:
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, Any]:
        counts = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "by_tier"}
        shares = {"share_village": self.share_village, "share_town": self.share_town}
        return {**counts, **shares, "avg_days": self.avg_days}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Row:
    code: str
    name: str
    figures: Figures


@dataclass
class Report:
    level: str
    code: str
    name: str
    start: dt.date
    end: dt.date  # exclusive
    by: str  # the level of the rows
    total: Figures
    rows: list[Row]

    def as_dict(self) -> dict[str, Any]:
        """The API's body; the page and the export show the same keys and values."""
        return {
            "level": self.level,
            "code": self.code,
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "figures": self.total.as_dict(),
            "by_tier": self.total.by_tier,
            "by": self.by,
            "rows": [{"code": r.code, "name": r.name, **r.figures.as_dict()} for r in self.rows],
        }


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The 365 days up to and including today."""
    end = (today or timezone.localdate()) + dt.timedelta(days=1)
    return end - dt.timedelta(days=365), end


def check_period(start: dt.date, end: dt.date) -> None:
    if start >= end:
        raise Invalid.one("end", _("The end of the period must come after its start."))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise Invalid.one("start", _("A period is at most ten years long."))


@dataclass
class _Area:
    name: str
    where: dict[str, Any]  # the filter on Dispute
    by: str
    children: list[tuple[int, str, str]]  # (pk, code, name) of each row, in order
    row_of: dict[int, int]  # grid pk -> pk of the row it counts in (its village, or itself)


def _one(queryset: Any, code: str) -> Any:
    found = queryset.filter(code=code).first()
    if found is None:
        raise NotInScope(_("This place is outside your scope."))
    return found


def _children(user: Any, model: Any, **where: Any) -> list[tuple[int, str, str]]:
    found = model.objects.restrict(user, "view").filter(**where).order_by("code")
    return list(found.values_list("pk", "code", "name"))


def _village_of(grids: Any) -> dict[int, int]:
    return dict(Grid.objects.filter(grids).values_list("pk", "village_id"))


def _area(user: Any, level: str, code: str) -> _Area:
    """The place asked for. Its disputes are picked and grouped by their own grid (the covering index),
    and each grid's figures are then added to its row's in Python: no join to grids or villages."""
    if level == "sub_district":
        sd = _one(SubDistrict.objects.restrict(user, "view"), code)
        villages = _children(user, Village, sub_district=sd)
        row_of = _village_of(Q(village_id__in=[v[0] for v in villages]))
        return _Area(sd.name, {"grid_id__in": list(row_of)}, "village", villages, row_of)
    if level == "village":
        village = _one(Village.objects.restrict(user, "view"), code)
        grids = _children(user, Grid, village=village)
        every = list(Grid.objects.filter(village=village).values_list("pk", flat=True))
        return _Area(village.name, {"grid_id__in": every}, "grid", grids, {g: g for g in every})
    if level == "grid":
        grid = _one(Grid.objects.restrict(user, "view"), code)
        only = [(grid.pk, grid.code, grid.name)]
        return _Area(grid.name, {"grid_id": grid.pk}, "grid", only, {grid.pk: grid.pk})
    if level == "centre":
        return _centre(user, code)
    raise Invalid.one("level", _("Choose a sub-district, village, grid or centre."))


def _centre(user: Any, code: str) -> _Area:
    """A centre is named by the code of the place it serves: a sub-district's (9 digits) or a village's."""
    centres = MediationCentre.objects.all()
    if len(code) == len("331081003"):
        sd = _one(SubDistrict.objects.restrict(user, "view"), code)
        centre = centres.filter(sub_district=sd, level=MediationCentre.Level.SUB_DISTRICT).first()
        children, by = _children(user, Village, sub_district=sd), "village"
    else:
        village = _one(Village.objects.restrict(user, "view"), code)
        centre = centres.filter(village=village).first()
        children, by = _children(user, Grid, village=village), "grid"
    if centre is None:
        raise NotInScope(_("There is no mediation centre here."))
    # A centre's disputes may lie in any grid: rows are found for the grids that actually occur.
    return _Area(centre.name, {"centre_id": centre.pk}, by, children, {})


def _scoped(model: Any, user: Any, prefix: str, area: _Area, start: dt.date, end: dt.date) -> Any:
    where = {f"{prefix}{name}": value for name, value in area.where.items()}
    period = {f"{prefix}happened_on__gte": start, f"{prefix}happened_on__lt": end}
    return model.objects.restrict(user, "view").filter(**period, **where).order_by()


# Per dispute, from its copies (Dispute.police_status, .performance, .ran_more_than_once): counted in
# the same pass over the index as the rest, by conditional aggregation.
FLAGS: dict[str, Q] = {
    "police_referrals": ~Q(police_status=Dispute.Police.NONE),
    "police_answered": Q(police_status=Dispute.Police.ANSWERED),
    "agreements_performed": Q(performance=Agreement.Performance.PERFORMED),
    "agreements_broken": Q(performance=Agreement.Performance.BROKEN),
    "ran_more_than_once": Q(ran_more_than_once=True),
}


def _add_disputes(per: dict[Any, Figures], rows: Any) -> None:
    for row in rows:
        f, n, outcome, tier = per[row["g"]], row["n"], row["outcome"], row["tier"]
        f.found += n
        for name in (*FLAGS, "follow_ups", "follow_ups_done"):
            setattr(f, name, getattr(f, name) + (row[name] or 0))
        if outcome == Dispute.Outcome.OPEN:
            f.open += n
            continue
        f.ended += n
        f.by_tier[outcome][tier - 1] += n
        f.agreements += n if outcome == Dispute.Outcome.AGREEMENT else 0
        f.referred += n if outcome == Dispute.Outcome.REFERRED else 0
        if outcome in RESOLVED:
            f.resolved += n
            f.days += row["days"] or 0
            f.resolved_tier_1_2 += n if tier <= VILLAGE_TIERS else 0
            f.resolved_tier_1_4 += n if tier <= TOWN_TIERS else 0


def _due_later(user: Any, area: _Area, start: dt.date, end: dt.date, today: dt.date) -> dict[int, int]:
    """Per grid, the follow-ups of D not done and due after today: only recent agreements have any.
    The partial index says at once whether the database holds any such follow-up at all; if it does
    not (as when the benchmark's today is long after its data), no dispute is read again."""
    pending = FollowUp.objects.filter(done_on__isnull=True, due__gt=today)
    if not pending.exists():
        return {}
    # Only disputes with a follow-up not done can have one (a test on the index's own columns, before
    # the look-up in the follow-ups).
    disputes = _scoped(Dispute, user, "", area, start, end).filter(
        follow_up_count__gt=F("follow_up_done_count"), pk__in=pending.values("agreement__dispute_id")
    )
    later = Q(agreement__follow_ups__done_on__isnull=True, agreement__follow_ups__due__gt=today)
    counted = disputes.values(g=F("grid_id")).annotate(n=Count("agreement__follow_ups", filter=later))
    return {row["g"]: row["n"] for row in counted}


def figures_by(user: Any, area: _Area, start: dt.date, end: dt.date, today: dt.date) -> dict[Any, Figures]:
    """Figures for each row's area (keyed by its pk), added up from the figures of each grid.

    One pass over the dispute index, grouped in its order (grid, tier, outcome), so without a sort.
    Follow-ups due are those not done (scheduled − done, from the dispute's copies) less those not done
    and due after today; only the latter, a few recent ones, are read from the follow-ups themselves.
    """
    per_grid: dict[int, Figures] = defaultdict(Figures)
    # COUNT(grid_id), not COUNT(id): the same number (grid is required), but a column of the index, so
    # PostgreSQL can answer from the index alone too (an index-only scan instead of reading the table).
    counts = {name: Count("grid_id", filter=q) for name, q in FLAGS.items()}
    days = Sum(DaysBetween("ended_on", "happened_on"))
    follow_ups = {"follow_ups": Sum("follow_up_count"), "follow_ups_done": Sum("follow_up_done_count")}
    disputes = _scoped(Dispute, user, "", area, start, end).values("tier", "outcome", g=F("grid_id"))
    _add_disputes(per_grid, disputes.annotate(n=Count("grid_id"), days=days, **counts, **follow_ups))
    for f in per_grid.values():
        f.follow_ups_due = f.follow_ups - f.follow_ups_done
    for grid, later in _due_later(user, area, start, end, today).items():
        per_grid[grid].follow_ups_due -= later
    row_of = area.row_of
    if any(g not in row_of for g in per_grid):  # a centre's grids
        row_of = _village_of(Q(pk__in=list(per_grid))) if area.by == "village" else {g: g for g in per_grid}
    per: dict[Any, Figures] = defaultdict(Figures)
    for grid, figures in per_grid.items():
        per[row_of[grid]].add(figures)
    return dict(per)


def report(user: Any, level: str, code: str, start: Day = None, end: Day = None, today: Day = None) -> Report:
    """The figures of one place over [start, end) (default: the last 365 days), and of each place in it."""
    if not user.has_perm("mediation.view_dispute"):
        raise PermissionDenied(_("Your role may not see dispute figures."))
    today = today or timezone.localdate()
    default_start, default_end = default_period(today)
    start, end = start or default_start, end or default_end
    check_period(start, end)
    area = _area(user, level, code)
    per = figures_by(user, area, start, end, today)
    total = Figures()
    for figures in per.values():
        total.add(figures)
    rows = [Row(c, n, per.get(pk) or Figures()) for pk, c, n in area.children]
    return Report(level, code, area.name, start, end, area.by, total, rows)
