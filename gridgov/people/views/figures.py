"""底数清 for one area: a bar chart of households, registered and floating residents per child area,
and the table of every figure — from the same service, with the same rows, as `/api/v1/figures`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.geo.models import Grid, SubDistrict, Village
from gridgov.people.models import Building
from gridgov.people.services.figures import figures_by, figures_for
from gridgov.people.views import common
from gridgov.people.views.common import FIGURE_LABELS, registry_view

CHILD = {"sub_district": "village", "village": "grid", "grid": "grid"}
PAGE_FOR = {"sub_district": "people:sub_district", "village": "people:village", "grid": "people:grid"}
CHART_SERIES = ("households", "registered", "floating")


def _area(user: Any, level: str, code: str) -> tuple[Any, Any]:
    """The area (or None for the whole scope) and its grids, both within the user's scope."""
    grids = common.grids_in_scope(user)
    if not level:
        return None, grids
    model: Any = {"sub_district": SubDistrict, "village": Village, "grid": Grid}.get(level)
    if model is None:
        raise Http404
    area = model.objects.restrict(user, "view").filter(code=code).first()
    if area is None:
        raise Http404
    where = {"sub_district": "village__sub_district", "village": "village", "grid": "pk"}[level]
    return area, grids.filter(**{where: area.pk})


def _default_level(user: Any) -> tuple[str, str]:
    """The smallest area that holds the whole scope: one grid, one village, one sub-district, or all."""
    grids = common.grids_in_scope(user)
    for level, path in (
        ("grid", "code"),
        ("village", "village__code"),
        ("sub_district", "village__sub_district__code"),
    ):
        codes = list(grids.values_list(path, flat=True).distinct()[:2])
        if len(codes) == 1:
            return level, codes[0]
    return "", ""


def _building_rows(user: Any, grid: Any) -> list[dict[str, Any]]:
    households = common.household_queryset(user).filter(grid=grid)
    counts = common.place_counts(households, "building_id")
    rows = []
    for b in Building.objects.restrict(user, "view").filter(grid=grid).order_by("name"):
        c = counts.get(b.pk, common.PlaceCounts())
        url = reverse("people:building", args=[b.pk])
        rows.append(
            {
                "name": b.name,
                "url": url,
                "households": c.households,
                "registered": c.registered,
                "floating": c.floating,
                "lapsed": c.lapsed,
            }
        )
    return rows


def as_of(raw: str) -> dt.date:
    """`?on=YYYY-MM-DD`: the figures as of that date; today when absent or not a date."""
    try:
        return dt.date.fromisoformat(raw) if raw else common.today()
    except ValueError:
        return common.today()


@registry_view()
def figures_page(request: HttpRequest) -> HttpResponse:
    level, code = request.GET.get("level", ""), request.GET.get("code", "")
    if not level:
        level, code = _default_level(request.user)
    area, grids = _area(request.user, level, code)
    on = as_of(request.GET.get("on", ""))
    past = on != common.today()
    child = CHILD.get(level, "sub_district")
    rows = figures_by(grids, child, on)
    child_page = PAGE_FOR[child]
    table = [
        {
            "code": c,
            "name": n,
            "url": reverse(child_page, args=[c]),
            "drill": (
                reverse("people:figures") + f"?level={child}&code={c}" + (f"&on={on}" if past else "")
                if child != "grid"
                else ""
            ),
            "cells": [(k, f.as_dict()[k]) for k in FIGURE_LABELS],
            **f.as_dict(),
        }
        for c, n, f in rows
    ]
    chart = {
        "categories": [r["name"] for r in table],
        "series": [
            {"key": k, "name": str(FIGURE_LABELS[k]), "data": [r[k] for r in table]} for k in CHART_SERIES
        ],
    }
    # The per-building breakdown counts today's residents: shown for today only.
    buildings = _building_rows(request.user, area) if level == "grid" and not past else []
    if buildings:
        # One grid is one bar: its buildings say more. Same definitions, counted per building.
        chart = {
            "categories": [b["name"] for b in buildings],
            "series": [
                {"key": k, "name": str(FIGURE_LABELS[k]), "data": [b[k] for b in buildings]}
                for k in CHART_SERIES
            ],
        }
    context = {
        "title": _("Figures"),
        "area": area,
        "level": level,
        "tiles": common.tiles(figures_for(grids, on)),
        "table": table,
        "columns": [(k, str(v)) for k, v in FIGURE_LABELS.items()],
        "chart": chart,
        "buildings": buildings,
        "area_url": reverse(PAGE_FOR[level], args=[code]) if area is not None else reverse("people:index"),
        "on": on,
        "code": code,
    }
    return common.no_store(render(request, "people/figures.html", context))
