from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from gridgov.core import errors
from gridgov.web.labels import map_labels

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:map")


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever the page links; answer instead of logging a 404. The
    # URL is looked up per request: the hashed name exists only after collectstatic.
    return redirect(static("gridgov/favicon.svg"), permanent=True)


def map_config() -> dict[str, Any]:
    # BD-09 tiles draw in Baidu's own projection, which Leaflet does not have: with GRIDGOV_TILE_CRS
    # = bd09 the polygons get BD-09 coordinates but will still sit off the tiles (see map.js).
    return {
        "tileUrl": settings.GRIDGOV_TILE_URL,
        "tileCrs": settings.GRIDGOV_TILE_CRS if settings.GRIDGOV_TILE_URL else "wgs84",
        "tileAttribution": settings.GRIDGOV_TILE_ATTRIBUTION,
    }


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    context = {"map_config": map_config(), "map_labels": map_labels(), "fullscreen": True}
    return render(request, "web/map.html", context)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if errors.is_api(request):
        return errors.not_found(request)
    context = {
        "title": _("Page not found"),
        "detail": _("The address may be mistyped, or the page has moved."),
        "status": 404,
    }
    return render(request, "web/error.html", context, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if errors.is_api(request):
        return errors.server_error(request)
    context = {
        "title": _("Server error"),
        "detail": _("Something went wrong on the server; it has been logged. Please try again later."),
        "status": 500,
        "bare": True,  # the shell without the account menu: the database may be what failed
    }
    try:
        return render(request, "web/error.html", context, status=500)
    except Exception:  # the error page must not fail in turn; say it plainly instead
        logger.exception("the error page could not be rendered")
        return HttpResponse(str(context["title"]), status=500, content_type="text/plain; charset=utf-8")
