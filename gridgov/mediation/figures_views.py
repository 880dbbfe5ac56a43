"""The dispute figures page (charts and a table) and its .xlsx export: both from `figures.report()`, the
function behind `/api/v1/mediation/figures`, so the page, the API and the workbook show the same numbers."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]

from gridgov.core.errors import Invalid
from gridgov.geo.models import Grid, SubDistrict, Village
from gridgov.mediation.figures import ENDED_OUTCOMES, Figures, Report, default_period, report
from gridgov.mediation.models import Dispute, MediationCentre, Tier
from gridgov.people.excel.views import XLSX, attachment
from gridgov.people.views.common import no_store, registry_view

PERM = "mediation.view_dispute"
# The figures in the order the page's table and the export show them, with what each key means.
COLUMNS: dict[str, Any] = {
    "found": gettext_lazy("disputes found"),
    "resolved": pgettext_lazy("dispute", "resolved"),
    "share_village": gettext_lazy("resolved at tiers 1–2, share of ended (小事不出村)"),
    "share_town": gettext_lazy("resolved at tiers 1–4, share of ended (大事不出镇)"),
    "avg_days": gettext_lazy("average days to resolve"),
    "ended": gettext_lazy("ended"),
    "open": gettext_lazy("being mediated"),
    "agreements": gettext_lazy("mediation agreements"),
    "referred": gettext_lazy("referred elsewhere"),
    "resolved_tier_1_2": gettext_lazy("resolved at tiers 1–2"),
    "resolved_tier_1_4": gettext_lazy("resolved at tiers 1–4"),
    "police_referrals": gettext_lazy("referrals to police"),
    "police_answered": gettext_lazy("police referrals answered"),
    "agreements_performed": gettext_lazy("agreements performed"),
    "agreements_broken": gettext_lazy("agreements broken"),
    "follow_ups": gettext_lazy("follow-up visits scheduled"),
    "follow_ups_done": gettext_lazy("follow-up visits done"),
    "follow_ups_due": gettext_lazy("follow-up visits due, not done"),
    "ran_more_than_once": gettext_lazy("a party came more than once (最多跑一次 missed)"),
}
DRILL = {"village": "village", "grid": "grid"}  # a row of this level opens the figures of its area
TILES = (
    "found",
    "resolved",
    "share_village",
    "share_town",
    "avg_days",
    "police_referrals",
    "agreements_performed",
    "ran_more_than_once",
)
PERCENT = frozenset({"share_village", "share_town"})


def _date(text: str, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid.one(name, _("Write the date as YYYY-MM-DD.")) from None


def _default_place(user: Any) -> tuple[str, str]:
    """The smallest area holding the whole scope; for a wider scope, its first sub-district."""
    grids = Grid.objects.restrict(user, "view")
    for level, path in (("village", "village__code"), ("sub_district", "village__sub_district__code")):
        codes = list(grids.values_list(path, flat=True).distinct().order_by(path)[:2])
        if len(codes) == 1:
            return level, codes[0]
    first = SubDistrict.objects.restrict(user, "view").order_by("code").first()
    return "sub_district", first.code if first else ""


def _request_report(request: HttpRequest) -> Report:
    level, code = request.GET.get("level", ""), request.GET.get("code", "")
    if not level:
        level, code = _default_place(request.user)
    start = _date(request.GET.get("start", ""), "start")
    end = _date(request.GET.get("end", ""), "end")
    return report(request.user, level, code, start, end)


def _text(key: str, value: Any) -> str:
    if value is None:
        return "–"
    return f"{value}%" if key in PERCENT else str(value)


def _cells(figures: Figures) -> list[dict[str, Any]]:
    values = figures.as_dict()
    return [
        {"key": k, "value": "" if values[k] is None else str(values[k]), "text": _text(k, values[k])}
        for k in COLUMNS
    ]


def _query(result: Report, **change: str) -> str:
    params = {"level": result.level, "code": result.code, "start": str(result.start), "end": str(result.end)}
    return "?" + urlencode({**params, **change})


def _sub_district(user: Any, result: Report) -> SubDistrict | None:
    if result.level in ("sub_district", "centre") and len(result.code) == len("331081003"):
        return SubDistrict.objects.restrict(user, "view").filter(code=result.code).first()
    if result.level in ("village", "centre"):
        village = Village.objects.restrict(user, "view").filter(code=result.code).first()
        return village.sub_district if village else None
    grid = (
        Grid.objects.restrict(user, "view").select_related("village__sub_district").filter(code=result.code)
    )
    found = grid.first()
    return found.village.sub_district if found else None


def _places(user: Any, result: Report) -> dict[str, Any]:
    """Links to the other places the account may look at: sub-districts and their centres."""
    sd = _sub_district(user, result)
    sub_districts = [
        (
            name,
            _query(result, level="sub_district", code=code),
            result.level == "sub_district" and code == result.code,
        )
        for code, name in SubDistrict.objects.restrict(user, "view")
        .order_by("code")
        .values_list("code", "name")
    ]
    visible = set(Village.objects.restrict(user, "view").values_list("pk", flat=True))
    centres = []
    for centre in MediationCentre.objects.filter(sub_district=sd).select_related("village", "sub_district"):
        if centre.village is None:
            code = centre.sub_district.code
        elif centre.village_id in visible:
            code = centre.village.code
        else:
            continue
        current = result.level == "centre" and result.code == code
        centres.append((centre.name, _query(result, level="centre", code=code), current))
    return {"sub_districts": sub_districts, "centres": centres}


def _charts(total: Figures) -> dict[str, Any]:
    labels = {o: str(Dispute.Outcome(o).label) for o in ENDED_OUTCOMES}
    return {
        "tiers": {
            "categories": [str(t) for t in Tier.values],
            "names": [str(t.label) for t in Tier],
            "series": [{"key": o, "name": labels[o], "data": total.by_tier[o]} for o in ENDED_OUTCOMES],
        },
        "funnel": [
            {"key": key, "name": str(COLUMNS[key]), "value": getattr(total, key)}
            for key in ("found", "ended", "resolved", "agreements", "agreements_performed")
        ],
    }


@registry_view(PERM)
def figures_page(request: HttpRequest) -> HttpResponse:
    try:
        result = _request_report(request)
    except Invalid as error:
        context = {"title": _("Invalid period"), "detail": error.message, "status": 400}
        return render(request, "web/error.html", context, status=400)
    drill = DRILL.get(result.by) if result.level != "grid" else None
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "cells": _cells(r.figures),
            "url": _query(result, level=drill, code=r.code) if drill else "",
        }
        for r in result.rows
    ]
    values = result.total.as_dict()
    today = timezone.localdate()
    year = today.replace(month=1, day=1)
    presets = [
        (_("Last 365 days"), _query(result, start="", end="")),
        (_("This year"), _query(result, start=str(year), end=str(year.replace(year=year.year + 1)))),
        (_("Last year"), _query(result, start=str(year.replace(year=year.year - 1)), end=str(year))),
    ]
    context = {
        "title": _("Dispute figures"),
        "result": result,
        "last_day": result.end - dt.timedelta(days=1),
        "tiles": [{"key": k, "label": str(COLUMNS[k]), "value": _text(k, values[k])} for k in TILES],
        "columns": [(k, str(v)) for k, v in COLUMNS.items()],
        "total": _cells(result.total),
        "rows": rows,
        "charts": _charts(result.total),
        "presets": presets,
        "export_url": reverse("mediation_figures:export") + _query(result),
        "default_start": default_period(today)[0],
        **_places(request.user, result),
    }
    return no_store(render(request, "mediation/figures.html", context))


def workbook(result: Report) -> bytes:
    """The figures as .xlsx: the table (the place, then each row), the tiers, and what was asked."""
    wb = Workbook(write_only=True)
    table = wb.create_sheet(_("Figures")[:31])
    table.append([_("code"), _("place"), *[str(label) for label in COLUMNS.values()]])
    for code, name, figures in [(result.code, result.name, result.total)] + [
        (r.code, r.name, r.figures) for r in result.rows
    ]:
        values = figures.as_dict()
        table.append([code, name, *[values[k] for k in COLUMNS]])
    tiers = wb.create_sheet(_("Ended by tier")[:31])
    tiers.append([_("tier"), *[str(Dispute.Outcome(o).label) for o in ENDED_OUTCOMES]])
    for tier in Tier:
        tiers.append([str(tier.label), *[result.total.by_tier[o][tier - 1] for o in ENDED_OUTCOMES]])
    about = wb.create_sheet(_("About")[:31])
    for label, value in (
        (_("level"), result.level),
        (_("code"), result.code),
        (_("place"), result.name),
        (_("from"), result.start.isoformat()),
        (_("to (inclusive)"), (result.end - dt.timedelta(days=1)).isoformat()),
        (_("rows by"), result.by),
        (_("exported"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ):
        about.append([label, value])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@registry_view(PERM)
def export(request: HttpRequest) -> HttpResponse:
    try:
        result = _request_report(request)
    except Invalid as error:
        context = {"title": _("Invalid period"), "detail": error.message, "status": 400}
        return render(request, "web/error.html", context, status=400)
    last = result.end - dt.timedelta(days=1)
    response = HttpResponse(workbook(result), content_type=XLSX)
    response["Content-Disposition"] = attachment(
        f"矛调数据-{result.name}-{result.start:%Y%m%d}-{last:%Y%m%d}.xlsx"
    )
    return response
