"""The assessment page (/assessment/): charts and the table of the figures, and their .xlsx export.

Both call the same report as /api/v1/assessment, so a page, a sheet and an API answer for the same
period always show the same numbers.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.cases.figures import export, report
from gridgov.core.errors import Invalid

RATE_BARS = ("on_time_closure_rate", "closure_rate", "timely_acceptance_rate", "rework_rate")
TREND_LINES = ("reported", "closed", "closed_in_time", "escalations")
TABLE_KEYS = (
    "reported",
    "accepted",
    "dispatched",
    "closed",
    "closed_in_time",
    "reworked",
    "rework_events",
    "escalations",
    "due",
    "deferred",
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


SMALL = "form-control form-control-sm"


class PeriodForm(forms.Form):
    level = forms.ChoiceField(
        label=gettext_lazy("Figures per"),
        choices=list(report.LEVEL_LABELS.items()),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": SMALL}),
    )
    end = forms.DateField(
        label=gettext_lazy("Until (excluded)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": SMALL}),
    )
    code = forms.CharField(
        label=gettext_lazy("Area code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": SMALL, "inputmode": "numeric"}),
    )


def _report(request: HttpRequest) -> tuple[PeriodForm, dict[str, Any]]:
    form = PeriodForm(request.GET or None)
    wanted = form.cleaned_data if form.is_valid() else {}
    level = wanted.get("level") or "grid"
    try:
        return form, report.build(
            request.user, level, wanted.get("start"), wanted.get("end"), wanted.get("code", "")
        )
    except Invalid as error:
        for field, messages in error.fields.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return form, report.build(request.user, level, None, None, wanted.get("code", ""))


def _shown(value: Any, key: str) -> str:
    if value is None:
        return "—"
    if key in report.SHARES:
        return f"{value * 100:.1f}%"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _charts(data: dict[str, Any]) -> dict[str, Any]:
    rows = [r for r in data["rows"] if r["id"]]
    names = [r["name"] for r in rows]

    def percent(row: dict[str, Any], key: str) -> float | None:
        return None if row[key] is None else round(row[key] * 100, 1)

    return {
        "names": names,
        "rates": [{"name": str(report.LABELS[k]), "data": [percent(r, k) for r in rows]} for k in RATE_BARS],
        "days": [t["day"] for t in data["trend"]],
        "trend": [
            {"name": str(report.LABELS[k]), "data": [t[k] for t in data["trend"]]} for k in TREND_LINES
        ],
        "rating": {"name": str(report.LABELS["avg_rating"]), "data": [r["avg_rating"] for r in rows]},
        "satisfied": {
            "name": str(report.LABELS["satisfied_share"]),
            "data": [percent(r, "satisfied_share") for r in rows],
        },
    }


@login_required
def assessment_page(request: HttpRequest) -> HttpResponse:
    form, data = _report(request)
    columns = [(k, str(report.LABELS[k])) for k in TABLE_KEYS]

    def cells(row: dict[str, Any]) -> list[tuple[str, str]]:
        return [(k, _shown(row[k], k)) for k in TABLE_KEYS]

    context = {
        "title": _("Assessment"),
        "form": form,
        "data": data,
        "level_label": report.LEVEL_LABELS[data["level"]],
        "columns": columns,
        "table": [{**r, "cells": cells(r)} for r in data["rows"]],
        "total_cells": cells(data["total"]),
        "tiles": [(str(report.LABELS[k]), _shown(data["total"][k], k)) for k in TABLE_KEYS[10:]],
        "charts": _charts(data),
        "export_query": request.GET.urlencode(),
        "as_of": parse_datetime(data["as_of"]) if data["as_of"] else None,  # shown in local time
    }
    response = render(request, "cases/figures.html", context)
    response["Cache-Control"] = "no-store"  # figures about people's work stay out of shared caches
    return response


@login_required
def assessment_export(request: HttpRequest) -> HttpResponse:
    _form, data = _report(request)
    return export.response(data)
