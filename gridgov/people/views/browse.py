"""Browse the registry from the top of one's scope down: 街道 → 村/社区 → 网格 → 楼栋 → 单元 → 户.

Each page lists its children with their counts; areas use the figures service (the API's numbers),
buildings and units the same definitions counted per building or unit.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.geo.models import SubDistrict, Village
from gridgov.people.models import Building, Residence, Resident, Unit
from gridgov.people.services.figures import figures_by, figures_for
from gridgov.people.views import common
from gridgov.people.views.common import registry_view
from gridgov.people.views.rows import Row, area_rows, place_counts_row


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    context.setdefault("keeper", common.is_keeper(request.user))
    return common.no_store(render(request, template, context))


@registry_view()
def index(request: HttpRequest) -> HttpResponse:
    grids = common.grids_in_scope(request.user)
    rows = area_rows(
        figures_by(grids, "sub_district"), lambda code: reverse("people:sub_district", args=[code])
    )
    return _page(
        request,
        "people/browse/area.html",
        title=_("Population"),
        kicker=_("All areas in your responsibility"),
        crumbs=common.crumbs_root(),
        tiles=common.tiles(figures_for(grids)),
        rows=rows,
        children_title=_("Sub-districts"),
        figures_url=reverse("people:figures"),
    )


@registry_view()
def sub_district(request: HttpRequest, code: str) -> HttpResponse:
    sd = get_object_or_404(SubDistrict.objects.restrict(request.user, "view"), code=code)
    grids = common.grids_in_scope(request.user).filter(village__sub_district=sd)
    rows = area_rows(figures_by(grids, "village"), lambda c: reverse("people:village", args=[c]))
    return _page(
        request,
        "people/browse/area.html",
        title=sd.name,
        kicker=_("Sub-district"),
        crumbs=common.crumbs_sub_district(sd),
        tiles=common.tiles(figures_for(grids)),
        rows=rows,
        children_title=_("Villages and communities"),
        figures_url=reverse("people:figures") + f"?level=sub_district&code={sd.code}",
    )


@registry_view()
def village(request: HttpRequest, code: str) -> HttpResponse:
    found = get_object_or_404(
        Village.objects.restrict(request.user, "view").select_related("sub_district"),
        code=code,
    )
    grids = common.grids_in_scope(request.user).filter(village=found)
    rows = area_rows(figures_by(grids, "grid"), lambda c: reverse("people:grid", args=[c]))
    return _page(
        request,
        "people/browse/area.html",
        title=found.name,
        kicker=found.get_kind_display(),
        crumbs=common.crumbs_village(found),
        tiles=common.tiles(figures_for(grids)),
        rows=rows,
        children_title=_("Grids"),
        figures_url=reverse("people:figures") + f"?level=village&code={found.code}",
    )


@registry_view()
def grid(request: HttpRequest, code: str) -> HttpResponse:
    grids = common.grids_in_scope(request.user).filter(code=code)
    found = grids.select_related("village__sub_district").first()
    if found is None:
        raise Http404
    buildings = Building.objects.restrict(request.user, "view").filter(grid=found).order_by("name")
    counts = common.place_counts(common.household_queryset(request.user).filter(grid=found), "building_id")
    rows = [
        Row(
            name=b.name,
            url=reverse("people:building", args=[b.pk]),
            meta=b.address,
            counts=place_counts_row(counts.get(b.pk)),
            testid=f"building-{b.pk}",
            badges=[_("high-rise")] if b.high_rise else [],
        )
        for b in buildings
    ]
    return _page(
        request,
        "people/browse/area.html",
        title=found.name,
        kicker=_("Grid") + f" · {found.code}",
        crumbs=common.crumbs_grid(found),
        tiles=common.tiles(figures_for(grids)),
        rows=rows,
        children_title=_("Buildings"),
        empty=_("No buildings have been recorded in this grid yet."),
        figures_url=reverse("people:figures") + f"?level=grid&code={found.code}",
        add_url=reverse("people:add_building", args=[found.code]),
        add_label=_("Add a building"),
        can_add=request.user.has_perm("people.add_building"),
    )


def _building(request: HttpRequest, pk: int) -> Building:
    return get_object_or_404(
        Building.objects.restrict(request.user, "view").select_related("grid__village__sub_district"), pk=pk
    )


def _household_rows(households: Any) -> list[Row]:
    counts = common.place_counts(households, "pk")
    rows = []
    for h in households.prefetch_related("residents"):
        names = [r.name for r in h.residents.all() if r.anonymised_at is None]
        rows.append(
            Row(
                name=h.room if h.unit_id else h.address,
                url=reverse("people:household", args=[h.pk]),
                meta="、".join(names) if names else _("nobody registered"),
                counts=place_counts_row(counts.get(h.pk), households=False),
                testid=f"household-{h.pk}",
            )
        )
    return rows


@registry_view()
def building(request: HttpRequest, pk: int) -> HttpResponse:
    found = _building(request, pk)
    households = common.household_queryset(request.user).filter(building=found)
    by_unit = common.place_counts(households.exclude(unit=None), "unit_id")
    rows = [
        Row(
            name=u.number,
            url=reverse("people:unit", args=[u.pk]),
            meta=_("%(n)d households") % {"n": getattr(u, "n_households", 0)},
            counts=place_counts_row(by_unit.get(u.pk), households=False),
            testid=f"unit-{u.pk}",
        )
        for u in common.units_of(found)
    ]
    total = common.place_counts(households, "building_id").get(found.pk, common.PlaceCounts())
    return _page(
        request,
        "people/browse/building.html",
        title=found.name,
        building=found,
        crumbs=common.crumbs_building(found),
        counts=place_counts_row(total),
        rows=rows,
        loose=_household_rows(households.filter(unit=None).order_by("room")),
        add_url=reverse("people:add_household", args=[found.pk]),
        can_add=request.user.has_perm("people.add_household"),
    )


@registry_view()
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Unit.objects.restrict(request.user, "view").select_related("building__grid__village__sub_district"),
        pk=pk,
    )
    households = common.household_queryset(request.user).filter(unit=found).order_by("room")
    total = common.place_counts(households, "unit_id").get(found.pk, common.PlaceCounts())
    crumbs = common.crumbs_building(found.building)
    crumbs.append((found.number, reverse("people:unit", args=[found.pk])))
    return _page(
        request,
        "people/browse/unit.html",
        title=f"{found.building.name} {found.number}",
        unit=found,
        crumbs=crumbs,
        counts=place_counts_row(total),
        rows=_household_rows(households),
        add_url=reverse("people:add_household", args=[found.building.pk]) + f"?unit={found.number}",
        can_add=request.user.has_perm("people.add_household"),
    )


@registry_view()
def household(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(common.household_queryset(request.user), pk=pk)
    order = list(Resident.Relation.values)  # the head first, then by closeness, as a household card reads
    residents = sorted(
        common.with_ages(found.residents.filter(anonymised_at=None)),
        key=lambda r: (order.index(r.relation), r.name_pinyin),
    )
    former = (
        Residence.objects.filter(household=found, moved_out__isnull=False, resident__anonymised_at=None)
        .select_related("resident")
        .order_by("-moved_out")
    )
    return _page(
        request,
        "people/browse/household.html",
        title=found.address,
        household=found,
        crumbs=common.crumbs_household(found),
        residents=residents,
        former=former,
        today=common.today(),
        register_url=reverse("people:register", args=[found.pk]),
        can_add=request.user.has_perm("people.add_resident"),
    )
