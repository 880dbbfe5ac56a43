from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridgov.core import errors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:map")


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    config: dict[str, Any] = {
        "tileUrl": settings.GRIDGOV_TILE_URL,
        "tileCrs": settings.GRIDGOV_TILE_CRS if settings.GRIDGOV_TILE_URL else "wgs84",
        "tileAttribution": settings.GRIDGOV_TILE_ATTRIBUTION,
    }
    return render(request, "web/map.html", {"map_config": config})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if errors.is_api(request):
        return errors.not_found(request)
    return render(request, "web/error.html", {"title": _("Page not found"), "status": 404}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if errors.is_api(request):
        return errors.server_error(request)
    return render(request, "web/error.html", {"title": _("Server error"), "status": 500}, status=500)
