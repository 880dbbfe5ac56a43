"""Adding a building (located on a small map; the service puts it in its grid) and a household."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.core.errors import Invalid
from gridgov.geo.coords import convert_geojson, from_wgs84, parse_crs
from gridgov.geo.models import Grid
from gridgov.people.forms import BuildingForm, HouseholdForm
from gridgov.people.models import Building, Household
from gridgov.people.services import places
from gridgov.people.views import common
from gridgov.people.views.common import registry_view
from gridgov.people.views.labels import picker_labels
from gridgov.web.views import map_config


def picker_config(grid: Any, buildings: Any) -> dict[str, Any]:
    """What the location picker draws: the grid's outline and its buildings, in the tiles' system."""
    config = map_config()
    crs = parse_crs(config["tileCrs"])
    points = []
    for b in buildings:
        lng, lat = from_wgs84(b.lng, b.lat, crs)
        points.append({"name": b.name, "lng": lng, "lat": lat})
    return {
        **config,
        "crs": crs,
        "boundary": convert_geojson(grid.geometry(), "wgs84", crs) if crs != "wgs84" else grid.geometry(),
        "buildings": points,
    }


@registry_view("people.add_building")
def add_building(request: HttpRequest, code: str) -> HttpResponse:
    # With its boundary, unlike the other pages: the picker draws it.
    grids = Grid.objects.restrict(request.user, "view").select_related("village__sub_district")
    grid = get_object_or_404(grids, code=code)
    status = 200
    if request.method == "POST":
        form = BuildingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = places.create_building(
                    request.user,
                    name=data["name"],
                    address=data["address"],
                    lng=data["lng"],
                    lat=data["lat"],
                    floors=data["floors"],
                    use=data["use"],
                    crs=parse_crs(data["crs"]),
                )
            except Invalid as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Building %(name)s added.") % {"name": created.name})
                return redirect("people:building", created.pk)
        status = 400
    else:
        form = BuildingForm(initial={"address": "", "crs": map_config()["tileCrs"]})
    buildings = Building.objects.restrict(request.user, "view").filter(grid=grid)
    context = {
        "form": form,
        "grid": grid,
        "title": _("Add a building"),
        "crumbs": [*common.crumbs_grid(grid), (_("Add a building"), request.path)],
        "cancel_url": reverse("people:grid", args=[grid.code]),
        "picker": picker_config(grid, buildings),
        "picker_labels": picker_labels(),
    }
    return common.no_store(render(request, "people/forms/building.html", context, status=status))


@registry_view("people.add_household")
def add_household(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_object_or_404(
        Building.objects.restrict(request.user, "change").select_related("grid__village__sub_district"), pk=pk
    )
    status = 200
    if request.method == "POST":
        form = HouseholdForm(request.POST)
        if form.is_valid():
            unit, room = form.cleaned_data["unit"], form.cleaned_data["room"]
            where = {"unit__number": unit.strip()} if unit.strip() else {"unit": None}
            existed = Household.objects.filter(building=building, room=room.strip(), **where).exists()
            try:
                household = places.ensure_household(request.user, building, unit, room)
            except Invalid as error:
                form.add_service_errors(error)
            else:
                text = _("This household was already recorded.") if existed else _("Household added.")
                messages.success(request, text)
                return redirect("people:household", household.pk)
        status = 400
    else:
        form = HouseholdForm(initial={"unit": request.GET.get("unit", "")})
    context = {
        "form": form,
        "title": _("Add a household"),
        "submit": _("Add the household"),
        "crumbs": [*common.crumbs_building(building), (_("Add a household"), request.path)],
        "cancel_url": reverse("people:building", args=[building.pk]),
        "building": building,
    }
    return common.no_store(render(request, "people/forms/simple.html", context, status=status))
