"""What the registry's pages share: permission gates, breadcrumbs, figures for display, small counts.

Every query here starts from `restrict()`: a page never sees a row its user could not see in the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.geo.models import Grid, SubDistrict, Village
from gridgov.people.models import Building, Household, ResidenceRegistration, Resident, Unit
from gridgov.people.services.figures import Figures

View = Callable[..., HttpResponse]

# The 底数清 figures in the order pages show them, with the words the API's keys stand for.
FIGURE_LABELS: dict[str, Any] = {
    "households": gettext_lazy("households"),
    "residents": gettext_lazy("residents"),
    "registered": gettext_lazy("registered residents"),
    "floating": gettext_lazy("floating residents"),
    "tagged": gettext_lazy("tagged people"),
    "lapsed_registrations": gettext_lazy("lapsed registrations"),
    "empty_households": gettext_lazy("empty households"),
    "buildings_without_households": gettext_lazy("buildings with no households"),
}
# Figures that mean something needs doing when they are not zero (漏管失控).
ALERT_FIGURES = frozenset({"lapsed_registrations"})


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: int
    alert: bool


def tiles(figures: Figures) -> list[Tile]:
    values = figures.as_dict()
    return [
        Tile(key, str(label), values[key], key in ALERT_FIGURES and values[key] > 0)
        for key, label in FIGURE_LABELS.items()
    ]


def today() -> dt.date:
    return timezone.localdate()


def age(birth: dt.date, on: dt.date | None = None) -> int:
    on = on or today()
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def with_ages(residents: Any, on: dt.date | None = None) -> list[Resident]:
    """The residents, each with an `age` attribute for the templates (which cannot do date arithmetic)."""
    on = on or today()
    found = list(residents)
    for r in found:
        setattr(r, "age", age(r.birth_date, on))  # noqa: B010 (not a model field: mypy would refuse r.age)
    return found


def is_keeper(user: Any) -> bool:
    """Grid workers, grid leaders and cadres keep the registry; others only read it."""
    return bool(user.has_perm("people.change_resident"))


def forbidden(request: HttpRequest) -> HttpResponse:
    context = {
        "title": _("Not allowed"),
        "detail": _("Your role may read the registry but not change it."),
        "status": 403,
    }
    return render(request, "web/error.html", context, status=403)


def registry_view(perm: str = "people.view_resident") -> Callable[[View], View]:
    """Log-in required, and a role that may `perm`; a refusal is the site's error page, not a trace."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perm(perm):
                return forbidden(request)
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                return forbidden(request)

        return login_required(wrapper)

    return decorate


def no_store(response: HttpResponse) -> HttpResponse:
    """Pages with personal data are not kept by the browser's cache or a proxy."""
    response["Cache-Control"] = "no-store, private"
    return response


# ---- breadcrumbs ---------------------------------------------------------------------------------
Crumb = tuple[str, str]  # (label, url); the last one is the page itself


def crumbs_root() -> list[Crumb]:
    return [(_("Population"), reverse("people:index"))]


def crumbs_sub_district(sd: SubDistrict) -> list[Crumb]:
    return [*crumbs_root(), (sd.name, reverse("people:sub_district", args=[sd.code]))]


def crumbs_village(village: Village) -> list[Crumb]:
    return [
        *crumbs_sub_district(village.sub_district),
        (village.name, reverse("people:village", args=[village.code])),
    ]


def crumbs_grid(grid: Grid) -> list[Crumb]:
    return [*crumbs_village(grid.village), (grid.name, reverse("people:grid", args=[grid.code]))]


def crumbs_building(building: Building) -> list[Crumb]:
    return [*crumbs_grid(building.grid), (building.name, reverse("people:building", args=[building.pk]))]


def crumbs_household(household: Household) -> list[Crumb]:
    crumbs = crumbs_building(household.building)
    if household.unit is not None:
        crumbs.append((household.unit.number, reverse("people:unit", args=[household.unit.pk])))
    return [*crumbs, (household.room, reverse("people:household", args=[household.pk]))]


# ---- scoped lookups ------------------------------------------------------------------------------
def grids_in_scope(user: Any) -> QuerySet[Grid]:
    # Not .defer("boundary"): an audited model snapshots every field when loaded, and a deferred one
    # would be fetched again, and again (RecursionError). Lists use values() or few rows instead.
    return Grid.objects.restrict(user, "view")


def household_queryset(user: Any) -> QuerySet[Household]:
    return Household.objects.restrict(user, "view").select_related(
        "building__grid__village__sub_district", "unit", "grid"
    )


# ---- counts below the grid (buildings, units): the same definitions as the figures service ---------
@dataclass
class PlaceCounts:
    households: int = 0
    registered: int = 0
    floating: int = 0
    lapsed: int = 0

    @property
    def residents(self) -> int:
        return self.registered + self.floating


def place_counts(households: QuerySet[Household], by: str) -> dict[Any, PlaceCounts]:
    """Counts per value of a household column (`building_id`, `unit_id`, `pk`), of present residents."""
    # No ordering: an explicit order_by() would join the GROUP BY and split the groups.
    households = households.order_by()
    result: dict[Any, PlaceCounts] = {}
    for key, n in households.values_list(by).annotate(n=Count("pk")).values_list(by, "n"):
        result.setdefault(key, PlaceCounts()).households = n
    present = Resident.objects.filter(household__in=households.values("pk"), anonymised_at=None).order_by()
    for key, kind, n in (
        present.values_list(f"household__{by}", "kind")
        .annotate(n=Count("pk"))
        .values_list(f"household__{by}", "kind", "n")
    ):
        counts = result.setdefault(key, PlaceCounts())
        if kind == Resident.Kind.FLOATING:
            counts.floating += n
        else:
            counts.registered += n
    lapsed = ResidenceRegistration.objects.filter(
        household__in=households.values("pk"), ended_on=None, expected_end__lt=today()
    ).order_by()
    for key, n in (
        lapsed.values_list(f"household__{by}").annotate(n=Count("pk")).values_list(f"household__{by}", "n")
    ):
        result.setdefault(key, PlaceCounts()).lapsed = n
    return result


def units_of(building: Building) -> QuerySet[Unit]:
    return building.units.annotate(n_households=Count("households")).order_by("number")


def lapsed_registrations(user: Any, grids: QuerySet[Grid] | None = None) -> QuerySet[ResidenceRegistration]:
    """Registrations past their expected end and not ended: someone may live here unregistered."""
    # The same rows the figures count as lapsed_registrations, so the list and the figure agree.
    qs = ResidenceRegistration.objects.restrict(user, "view").filter(ended_on=None, expected_end__lt=today())
    if grids is not None:
        qs = qs.filter(household__grid__in=grids.values("pk"))
    return qs.select_related("resident", "household").order_by("expected_end")


def expiring_registrations(
    user: Any, grids: QuerySet[Grid] | None = None, days: int = 30
) -> QuerySet[ResidenceRegistration]:
    qs = ResidenceRegistration.objects.restrict(user, "view").filter(
        ended_on=None, expected_end__gte=today(), expected_end__lte=today() + dt.timedelta(days=days)
    )
    if grids is not None:
        qs = qs.filter(household__grid__in=grids.values("pk"))
    return qs.select_related("resident", "household").order_by("expected_end")
