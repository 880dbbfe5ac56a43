"""`GET /api/v1/mediation/figures`: the dispute figures of one place over a period, and of each place in it.

The same `figures.report()` as the page and the .xlsx export, so all three give the same numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router

from gridgov.mediation.figures import report

router = Router(tags=["mediation"])

Level = Literal["sub_district", "village", "grid", "centre"]


@router.get(
    "/figures",
    summary="Dispute figures (矛调数据) of a sub-district, village, grid or centre over [start, end)",
)
def figures(
    request: HttpRequest, level: Level, code: str, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    """`code` is the place's code; a centre is named by the code of the place it serves (a sub-district's
    9 digits or a village's 12). Without `start` and `end`: the last 365 days, today included."""
    return report(request.user, level, code, start, end).as_dict()
