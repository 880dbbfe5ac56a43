"""The JSON API at /api/v1/: django-ninja, with gridgov's one error body for every failure."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from gridgov.core.auth import api_auth
from gridgov.core.errors import ApiError, Invalid, error_response

api = NinjaAPI(
    title="gridgov API",
    version="1",
    urls_namespace="api",
    auth=api_auth,
    docs_url="/docs",
)


def _field_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        where = list(error.get("loc", []))
        if where[:1] == ["body"] and len(where) > 2:
            where = where[2:]  # ("body", the view's parameter, the field …): name the body's own field
        loc = [str(part) for part in where if part not in {"query", "body", "path", "form"}]
        fields.setdefault(".".join(loc) or "__all__", []).append(str(error.get("msg", "")))
    return fields


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(Invalid)
def _invalid(request: HttpRequest, exc: Invalid) -> HttpResponse:
    return error_response(400, "invalid", exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error_response(400, "invalid", _("Some values are missing or invalid."), _field_errors(exc.errors))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401, "unauthenticated", _("Log in or send an API token."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(403, "forbidden", str(exc) or _("You may not do this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, "error", str(exc))


def _register() -> None:
    from gridgov.accounts.api import router as accounts_router
    from gridgov.cases.api import router as cases_router
    from gridgov.geo.api import router as geo_router
    from gridgov.mediation.api import router as mediation_router
    from gridgov.mediation.figures_api import router as mediation_figures_router
    from gridgov.people.api import router as people_router

    api.add_router("/", geo_router)
    api.add_router("/", accounts_router)
    api.add_router("/", people_router)
    api.add_router("/", cases_router)
    api.add_router("/", mediation_router)
    api.add_router("/mediation/", mediation_figures_router)


_register()
