"""GET requests (with the spec's filters), GET requests/{id} and GET tokens/{token}: public reads."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from gridgov.cases.models import Case, Category
from gridgov.cases.models.case import FINAL_STATES
from gridgov.open311.models import Open311Request
from gridgov.open311.outputs import request_row, visible_cases
from gridgov.open311.render import Format, Reply, Value
from gridgov.open311.views.base import bad, endpoint, not_found, param

MAX_SPAN = dt.timedelta(days=90)
LIMIT = 1000


def is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 18


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _when(name: str, value: str, end: bool) -> dt.datetime | None:
    """A w3 datetime with its zone; a bare date is that day in the jurisdiction (an end date: all of it)."""
    if not value:
        return None
    try:
        # A bare date first: parse_datetime would take "2026-03-01" for a naive midnight.
        day = parse_date(value) if len(value) == 10 else None
        moment = None if day else parse_datetime(value)
    except ValueError:
        moment = day = None
    if day is not None:
        start = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))
        return start + dt.timedelta(days=1) if end else start
    if moment is None:
        raise bad(_("%(name)s is not an ISO 8601 date and time.") % {"name": name})
    if timezone.is_naive(moment):
        raise bad(_("%(name)s needs a time zone, as in 2026-03-01T08:00:00+08:00.") % {"name": name})
    return moment


def _window(request: HttpRequest) -> tuple[dt.datetime, dt.datetime]:
    start = _when("start_date", param(request, "start_date"), end=False)
    end = _when("end_date", param(request, "end_date"), end=True)
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise bad(_("end_date is before start_date."))
    if end - start > MAX_SPAN:
        raise bad(_("start_date and end_date may not span more than 90 days."))
    return start, end


def _filtered(request: HttpRequest) -> QuerySet[Case]:
    cases = visible_cases()
    ids = _comma_list(param(request, "service_request_id"))
    if ids:
        # The spec: service_request_id overrides every other filter.
        if not all(is_id(i) for i in ids) or len(ids) > LIMIT:
            raise bad(_("service_request_id takes up to 1000 request ids, separated by commas."))
        return cases.filter(pk__in=[int(i) for i in ids])
    codes = _comma_list(param(request, "service_code"))
    if codes:
        known = set(Category.objects.filter(code__in=codes).values_list("code", flat=True))
        missing = [c for c in codes if c not in known]
        if missing:
            raise not_found(_("service_code %(code)s is not a service offered here.") % {"code": missing[0]})
        cases = cases.filter(category__code__in=codes)
    statuses = set(_comma_list(param(request, "status").lower()))
    if statuses - {"open", "closed"}:
        raise bad(_("status is open or closed (or both, separated by a comma)."))
    if statuses == {"open"}:
        cases = cases.exclude(state__in=FINAL_STATES)
    elif statuses == {"closed"}:
        cases = cases.filter(state__in=FINAL_STATES)
    start, end = _window(request)
    return cases.filter(reported_at__gte=start, reported_at__lte=end)


def request_list(request: HttpRequest, fmt: Format) -> Reply:
    rows: list[Value] = [request_row(c) for c in _filtered(request).order_by("-reported_at", "-pk")[:LIMIT]]
    return Reply("service_requests", rows)


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: Format, request_id: str) -> Reply:
    case = visible_cases().filter(pk=int(request_id)).first() if is_id(request_id) else None
    if case is None:
        raise not_found(_("There is no service request %(id)s.") % {"id": request_id})
    return Reply("service_requests", [request_row(case)])


@endpoint("GET")
def token(request: HttpRequest, fmt: Format, token: str) -> Reply:
    posted = Open311Request.objects.filter(token=token).first()
    if posted is None:
        raise not_found(_("There is no request with the token %(token)s.") % {"token": token})
    return Reply("service_requests", [{"service_request_id": str(posted.case_id), "token": posted.token}])
