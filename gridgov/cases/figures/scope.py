"""Who sees which figures: the grids restrict() gives the account, narrowed to an area on request.

A grid worker, officer or department officer sees his own figures among the holders and his
grids' figures otherwise; a department officer only his departments' cases; an operator or leader
everything in his sub-district. Figures are sums over cases the account may read anyway.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role
from gridgov.cases.figures.query import LEVELS, Selection
from gridgov.core.errors import Invalid, NotInScope
from gridgov.geo.models import Grid, PoliceZone, SubDistrict, Village

OWN_FIGURES_ONLY = frozenset({Role.GRID_WORKER, Role.OFFICER, Role.DEPARTMENT})
# An area code narrows the figures to its grids: the path from Grid to each kind of area.
AREAS: tuple[tuple[Any, str], ...] = (
    (Grid, "pk"),
    (Village, "village"),
    (PoliceZone, "police_zone"),
    (SubDistrict, "village__sub_district"),
)
MAX_DAYS = 3 * 366


def period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """[start, end) in local days; by default this month up to and including today."""
    today = timezone.localdate()
    end = end or today + dt.timedelta(days=1)
    start = start or (end - dt.timedelta(days=1)).replace(day=1)
    if start >= end:
        raise Invalid.one("end", _("The end must come after the start."))
    if (end - start).days > MAX_DAYS:
        raise Invalid.one("start", _("Choose a period of at most three years."))
    return start, end


def _area_grids(user: Any, grids: Any, code: str) -> Any:
    for model, path in AREAS:
        area = model.objects.restrict(user, "view").filter(code=code).values_list("pk", flat=True).first()
        if area is not None:
            return grids.filter(**{path: area})
    raise NotInScope(_("No such area in your scope."))


def selection_for(
    user: Any, level: str, start: dt.date | None, end: dt.date | None, code: str = ""
) -> Selection:
    if level not in LEVELS:
        raise Invalid.one("level", _("Unknown level."))
    if not user.is_authenticated or not user.has_perm("cases.view_case"):
        raise PermissionDenied(_("Your role may not see case figures."))
    first, last = period(start, end)
    grids = Grid.objects.restrict(user, "view")
    if code:
        grids = _area_grids(user, grids, code.strip())
    role = getattr(user, "role", "")
    own = user.pk if level == "assignee" and role in OWN_FIGURES_ONLY and not user.is_superuser else None
    departments = None
    if role == Role.DEPARTMENT and not user.is_superuser:
        departments = tuple(user.departments.values_list("pk", flat=True))
    return Selection(grids, first, last, own, departments)
