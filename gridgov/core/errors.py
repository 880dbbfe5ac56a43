"""One error body for every API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
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


class NotInScope(Http404):
    """A record that does not exist for this account: outside its scope, or not there at all.

    Both answer alike (404), so that an account learns nothing about records beyond its grids.
    """


class Invalid(Exception):
    def __init__(self, fields: dict[str, list[str]], message: str = "") -> None:
        self.fields = fields
        self.message = message or _("Some values are missing or invalid.")
        super().__init__(self.message)

    @classmethod
    def one(cls, field: str, message: str) -> Invalid:
        return cls({field: [message]}, message)


class Collector:
    """Gathers every problem of an input before raising, so a form or a sheet row shows them all."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise Invalid(self.fields)
