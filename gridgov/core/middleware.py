"""Request id, client address and actor for every request (the audit trail reads them)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from gridgov.core import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request: HttpRequest) -> str:
    # The first address of X-Forwarded-For is only trusted behind a proxy that sets it; without one
    # REMOTE_ADDR is the peer.
    return str(request.META.get("REMOTE_ADDR", ""))


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else context.new_request_id()
        source = "api" if request.path.startswith(("/api/", "/open311/")) else "web"
        ctx = context.ActorContext(
            actor_name="anonymous", request_id=request_id, ip=client_ip(request), source=source
        )
        with context.acting(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class AuditActorMiddleware:
    """After authentication (session or bearer token): record who is acting."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context.set_actor(user.pk, user.get_username(), getattr(user, "role", ""))
        return self.get_response(request)
