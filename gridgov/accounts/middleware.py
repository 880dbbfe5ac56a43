"""`Authorization: Bearer ggv_…` authenticates API calls without a session or CSRF token."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts import kept
from gridgov.accounts.models import ApiToken, User
from gridgov.accounts.models.tokens import digest
from gridgov.core.compiled import Compiled
from gridgov.core.errors import ApiError, error_response

# Asked on every API call: compiled once, not per request (see gridgov.core.compiled). Not cached
# across calls, except on the routes whose write checks the token itself (gridgov.accounts.kept): a
# revoked token, or a disabled account, is refused from the next call on.
_BY_DIGEST = Compiled(
    lambda key: ApiToken.objects.select_related("user").filter(key_digest=key), ["\x00probe"]
)


def _lookup(key: str) -> ApiToken | None:
    found = _BY_DIGEST.instances(key)  # key_digest is unique: one row at most
    token = found[0] if found else None
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    # Written without the audit trail: a timestamp of use is not a change of the record.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > kept.KEEP_SECONDS:
        QuerySet.update(ApiToken.objects.filter(pk=token.pk), last_used_at=now)
    return token


def _refused() -> str:
    return _("The API token is invalid, expired or revoked.")


def authenticate(key: str) -> User:
    """The account of the token with this digest, asked of the database; ApiError 401 if unusable."""
    token = _lookup(key)
    if token is None:
        raise ApiError(401, "invalid_token", _refused())
    return token.user


class BearerTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            key = digest(header[7:].strip())
            routed = kept.checks_in_write(request.method or "", request.path_info)
            found = kept.take(key) if routed else None
            if found is not None:
                request.user = found.user()
                request.kept_token = found  # type: ignore[attr-defined]
            else:
                stamp = kept.stamp_now() if routed else None  # read before the lookup: see kept
                token = _lookup(key)
                if token is None:
                    return error_response(401, "invalid_token", _refused())
                request.user = token.user
                if routed:
                    kept.keep(key, token.pk, token.expires_at, stamp, token.user)
            request.token_authenticated = True  # type: ignore[attr-defined]
        return self.get_response(request)
