"""Authentication for the JSON API: a bearer token, or the UI's session with its CSRF token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware

from gridgov.core.errors import ApiError


def _unused(request: HttpRequest) -> Any:
    return None


def api_auth(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if getattr(request, "token_authenticated", False) or request.method in {"GET", "HEAD", "OPTIONS"}:
        return user
    # A session-authenticated write must carry the CSRF token, as a form would.
    rejection = CsrfViewMiddleware(_unused).process_view(request, _unused, (), {})
    if rejection is not None:
        from django.utils.translation import gettext as _

        raise ApiError(403, "csrf", _("The page is out of date: reload it and try again."))
    return user
