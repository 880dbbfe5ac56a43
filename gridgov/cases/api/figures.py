"""考核 figures over the API: the same report as the page at /assessment/ and its .xlsx export."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router

from gridgov.cases.figures import export, report

router = Router()

Level = Literal["assignee", "grid", "village", "police_zone", "department"]


@router.get(
    "/assessment",
    summary="Figures for assessment per holder, grid, village, police zone or department over [start, end)",
)
def assessment(
    request: HttpRequest,
    level: Level = "grid",
    start: dt.date | None = None,
    end: dt.date | None = None,
    code: str = "",
) -> dict[str, Any]:
    return report.build(request.user, level, start, end, code)


@router.get("/assessment/export", summary="The same figures as an .xlsx workbook")
def assessment_export(
    request: HttpRequest,
    level: Level = "grid",
    start: dt.date | None = None,
    end: dt.date | None = None,
    code: str = "",
) -> HttpResponse:
    return export.response(report.build(request.user, level, start, end, code))
