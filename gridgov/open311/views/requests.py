"""requests.{format}: GET lists requests (public), POST creates one (api_key)."""

from __future__ import annotations

from django.http import HttpRequest

from gridgov.open311.render import Format, Reply
from gridgov.open311.views.base import endpoint
from gridgov.open311.views.create import create
from gridgov.open311.views.read import request_list


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: Format) -> Reply:
    return create(request, fmt) if request.method == "POST" else request_list(request, fmt)
