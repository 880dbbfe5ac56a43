"""What every Open311 view shares: the format suffix, the jurisdiction, parameters, and the spec's
error bodies and HTTP codes (404 unknown resource, 403 api_key, 400 anything else)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gridgov.core import context
from gridgov.open311 import render
from gridgov.open311.render import Format, Reply

logger = logging.getLogger(__name__)

# One endpoint serves one jurisdiction, so the spec lets clients leave jurisdiction_id out; one that
# names another jurisdiction is told it is not found here (404).
JURISDICTION = "wenling.gov.cn"

View = Callable[..., Reply]


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = [str(d) for d in descriptions]


def not_found(description: str) -> Open311Error:
    return Open311Error(404, description)


def bad(*descriptions: str) -> Open311Error:
    return Open311Error(400, *descriptions)


def param(request: HttpRequest, name: str) -> str:
    """A parameter from the form body (POST) or the query; empty means absent, as the spec says."""
    value = request.POST.get(name) if request.method == "POST" else None
    if not value:
        value = request.GET.get(name)
    return (value or "").strip()


def _check_jurisdiction(request: HttpRequest) -> None:
    jurisdiction = param(request, "jurisdiction_id")
    if jurisdiction and jurisdiction.lower() != JURISDICTION:
        raise not_found(
            _("jurisdiction_id %(given)s is not served here; this endpoint serves %(ours)s.")
            % {"given": jurisdiction, "ours": JURISDICTION}
        )


def _server_error() -> str:
    return _("The request failed on the server and has been logged; quote request id %(id)s.") % {
        "id": context.current().request_id
    }


def endpoint(*methods: str) -> Callable[[View], Callable[..., HttpResponse]]:
    """Wrap a view that returns a Reply or raises Open311Error; render either in the asked format.

    CSRF does not apply: clients are other systems posting with an api_key, never a browser session.
    """
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def wrap(view: View) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def run(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            form = cast(Format, fmt)
            try:
                if request.method not in allowed:
                    raise bad(_("%(method)s is not allowed here.") % {"method": request.method})
                _check_jurisdiction(request)
                reply = view(request, form, **kwargs)
            except Open311Error as error:
                reply = render.errors(error.status, error.descriptions)
            except Exception:
                # The spec's "general service error" is a 400 the client reports to us; the request id
                # finds it in the log.
                logger.exception("Open311 %s %s failed", request.method, request.path)
                reply = render.errors(400, [_server_error()])
            answer = render.response(form, reply)
            if reply.status == 400 and request.method not in allowed:
                answer["Allow"] = ", ".join(sorted(allowed))
            return answer

        return run

    return wrap


def unknown(request: HttpRequest, path: str) -> HttpResponse:
    """Any other address under the root: a 404 in the spec's body, in the format its suffix asks."""
    form: Format = "json" if path.endswith(".json") else "xml"
    return render.response(form, render.errors(404, [_("There is no such Open311 resource.")]))
