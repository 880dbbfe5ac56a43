"""A grid's public page, reached from the QR code on its workers' contact cards (便民连心卡).

No account: the resident sees who works the grid and can report. A random device id in a cookie,
with the phone number, is what the intake service's hourly limit counts.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from gridgov.cases.forms import PublicReportForm, apply_errors
from gridgov.cases.services.attachments import MAX_BYTES, MAX_FILES
from gridgov.cases.services.intake import Report
from gridgov.cases.services.public import public_intake
from gridgov.cases.views import common
from gridgov.core.errors import ApiError, Invalid
from gridgov.geo import cards
from gridgov.geo.index import grid_index
from gridgov.geo.models import Grid

DEVICE_COOKIE = "gg_device"
DEVICE_AGE = 365 * 24 * 3600
_DEVICE = re.compile(r"^[0-9a-f]{32}$")


def device_of(request: HttpRequest) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    return value if _DEVICE.match(value) else secrets.token_hex(16)


def _point(grid: Grid, lng: float | None, lat: float | None) -> tuple[float, float]:
    """The browser's point, or the grid's own label point when there is none or it falls outside
    every grid (the resident scanned this grid's card, so this grid is the best guess)."""
    if lng is not None and lat is not None and grid_index.get().locate(lng, lat) is not None:
        return lng, lat
    return grid.label_lng, grid.label_lat


def grid_page(request: HttpRequest, code: str) -> HttpResponse:
    grid = get_object_or_404(cards.grids_with_people(), code=code)
    form = PublicReportForm(request.POST or None)
    device = device_of(request)
    status, done, limit_error = 200, None, ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            lng, lat = _point(grid, data["lng"], data["lat"])
            report = Report(
                channel="contact_card",
                category=data["category"],
                title=data["title"],
                description=data["description"],
                lng=lng,
                lat=lat,
                address=data["place"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                device=device,
                photos=request.FILES.getlist("photos"),
            )
            try:
                done = public_intake(report).case
                status = 201
            except Invalid as error:
                errors = apply_errors(form, error.fields)
            except ApiError as error:
                status, limit_error = error.status, error.message
    context = {
        "grid": grid,
        "card": cards.grid_card(grid),
        "form": form,
        "errors": errors,
        "done": done,
        "limit_error": limit_error,
        "labels": common.js_labels(),
        "limits": {"maxBytes": MAX_BYTES, "maxFiles": MAX_FILES},
        "title": _("Contact your grid worker"),
    }
    response = render(request, "cases/public/grid.html", context, status=status)
    if request.COOKIES.get(DEVICE_COOKIE) != device:
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=DEVICE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return common.no_store(response)
