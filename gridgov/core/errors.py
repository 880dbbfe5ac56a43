"""One error body for every API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _


class ApiError(Exception):
    """Raised by services and views; rendered with the common body and the given status."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def error_response(
    status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> JsonResponse:
    return JsonResponse(
        error_body(code, message, fields), status=status, json_dumps_params={"ensure_ascii": False}
    )


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def not_found(request: HttpRequest) -> JsonResponse:
    return error_response(404, "not_found", _("Not found."))


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response(500, "server_error", _("Something went wrong on the server; it has been logged."))
