from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gridgov.core.errors import error_response, is_api


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    message = _(
        "Too many failed log-ins: this account is locked for a while. Ask an administrator to unlock it."
    )
    if is_api(request):
        return error_response(429, "locked_out", message)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)
