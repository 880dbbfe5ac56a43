"""`Authorization: Bearer ggv_…` authenticates API calls without a session or CSRF token."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import ApiToken
from gridgov.accounts.models.tokens import digest
from gridgov.core.compiled import Compiled
from gridgov.core.errors import error_response

# Asked on every API call: compiled once, not per request (see gridgov.core.compiled). Never cached:
# a revoked token, or a disabled account, is refused from the next call on.
_BY_DIGEST = Compiled(
    lambda key: ApiToken.objects.select_related("user").filter(key_digest=key), ["\x00probe"]
)


class BearerTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            raw = header[7:].strip()
            found = _BY_DIGEST.instances(digest(raw))  # key_digest is unique: one row at most
            token = found[0] if found else None
            if token is None or not token.is_usable() or not token.user.is_active:
                return error_response(
                    401, "invalid_token", _("The API token is invalid, expired or revoked.")
                )
            request.user = token.user
            request.token_authenticated = True  # type: ignore[attr-defined]
            # Written without the audit trail: a timestamp of use is not a change of the record.
            now = timezone.now()
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                QuerySet.update(ApiToken.objects.filter(pk=token.pk), last_used_at=now)
        return self.get_response(request)
