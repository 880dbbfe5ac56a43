"""POST requests: an outside system's report becomes a case through the one intake, or nothing is stored."""

from __future__ import annotations

import math
import re
from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.models import CaseEvent
from gridgov.cases.models.case import Channel
from gridgov.cases.services.intake import Report, intake, plain
from gridgov.core import context
from gridgov.core.errors import ApiError, Invalid
from gridgov.open311 import attributes, locate
from gridgov.open311.models import Open311Key, Open311Request
from gridgov.open311.outputs import service_notice
from gridgov.open311.render import Format, Reply, Value
from gridgov.open311.views.base import Open311Error, bad, param
from gridgov.open311.views.services import exposed_category

MAX_DESCRIPTION = 4000
_MEDIA_URL = URLValidator(schemes=["http", "https"])
_HAN = re.compile(r"[\u3400-\u9fff]")
# Intake's field names, as the client knows them.
PARAMETERS = {
    "category": "service_code",
    "title": "description",
    "reporter_phone": "phone",
    "reporter_name": "first_name/last_name",
    "household_id": "address_id",
    "building_id": "address_string",
}


def _key(request: HttpRequest) -> Open311Key:
    raw = param(request, "api_key")
    if not raw:
        raise Open311Error(403, _("api_key is missing: a request can only be posted with a key."))
    key = Open311Key.find(raw)
    if key is None:
        raise Open311Error(
            403, _("Invalid api_key received (unknown or revoked): the request was not created.")
        )
    return key


def _name(first: str, last: str) -> str:
    # Chinese names are written family name first and without a space: 王 + 哲 → 王哲.
    if _HAN.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def _location(request: HttpRequest, report: Report, problems: list[str]) -> None:
    lat, lng = param(request, "lat"), param(request, "long")
    address_id, address = param(request, "address_id"), param(request, "address_string")
    if lat or lng:
        try:
            report.lat, report.lng = float(lat), float(lng)
        except ValueError:
            problems.append(_("lat and long are both needed, as WGS-84 decimal degrees."))
            return
        if not (math.isfinite(report.lat) and math.isfinite(report.lng)):
            problems.append(_("lat and long are both needed, as WGS-84 decimal degrees."))
        report.address = address
    elif address_id:
        if not (address_id.isascii() and address_id.isdigit() and len(address_id) <= 18):
            problems.append(_("address_id %(id)s is not a household of the registry.") % {"id": address_id})
        else:
            report.household_id = int(address_id)
    elif address:
        try:
            place = locate.locate(address)
        except locate.NotFound as error:
            problems.append(str(error))
            return
        report.building_id, report.household_id = place.building_id, place.household_id
    else:
        problems.append(_("A location is needed: lat and long, address_string or address_id."))


def _report(request: HttpRequest, service_name: str, problems: list[str]) -> Report:
    description = param(request, "description")
    if len(description) > MAX_DESCRIPTION:
        problems.append(_("description is longer than 4000 characters."))
    text = plain(description, MAX_DESCRIPTION)
    title = text.splitlines()[0][:40] if text else service_name
    report = Report(
        channel=Channel.OPEN311,
        category=param(request, "service_code"),
        title=title,
        description=description[:MAX_DESCRIPTION],
        crs="wgs84",
        reporter_name=_name(param(request, "first_name"), param(request, "last_name"))[:60],
        reporter_phone=param(request, "phone"),
        device=param(request, "device_id")[:64],
    )
    _location(request, report, problems)
    return report


def _media_url(request: HttpRequest, problems: list[str]) -> str:
    url = param(request, "media_url")
    try:
        if url:
            _MEDIA_URL(url)
        if len(url) > 500:
            raise ValidationError("too long")
    except ValidationError:
        problems.append(_("media_url must be an http or https URL of at most 500 characters."))
        return ""
    return url


def _intake_errors(error: Invalid) -> Open311Error:
    lines = [
        f"{PARAMETERS.get(field, field)}: {m}" for field, messages in error.fields.items() for m in messages
    ]
    return bad(*(lines or [error.message]))


def create(request: HttpRequest, fmt: Format) -> Reply:
    key = _key(request)
    code = param(request, "service_code")
    if not code:
        raise bad(_("service_code is missing."))
    category = exposed_category(code)
    problems: list[str] = []
    report = _report(request, category.name, problems)
    media_url = _media_url(request, problems)
    raw = {**attributes.posted(request.GET), **attributes.posted(request.POST)}
    checked = attributes.check(category.code, raw)
    problems += checked.errors
    if problems:
        raise bad(*problems)
    report.items = checked.items
    account_id = param(request, "account_id")[:64]
    # The outside system is the actor; the request's id and client address stay, so the audit trail
    # ties the case to this HTTP request (acting_as_system would start a new request id).
    actor = replace(context.current(), actor_id=None, actor_name=f"open311:{key.name}", role="", source="api")
    try:
        with context.acting(actor), transaction.atomic():
            case = intake(None, report).case
            posted = Open311Request.objects.create(
                case=case, key=key, account_id=account_id, media_url=media_url
            )
            _note(case.pk, key, report, checked, media_url, param(request, "address_string"))
    except Invalid as error:
        raise _intake_errors(error) from None
    except (PermissionDenied, ApiError) as error:
        raise bad(str(getattr(error, "message", "") or error)) from None
    # A timestamp of use is not a change of the key: written without an audit entry.
    QuerySet.update(Open311Key.objects.filter(pk=key.pk), last_used_at=timezone.now())
    body: dict[str, Value] = {
        "service_request_id": str(case.pk),
        "service_notice": service_notice(category),
        "account_id": account_id or None,
    }
    # The spec returns an id or a token, not both; the id is in the body, the token (for clients
    # built for batch servers, GET tokens/{token}) in a header.
    return Reply("service_requests", [body], headers={"X-Open311-Token": posted.token})


def _note(
    case_id: int, key: Open311Key, report: Report, checked: attributes.Checked, media_url: str, address: str
) -> None:
    """What the case has no field for goes on its timeline, where the handler reads it."""
    lines = list(checked.lines)
    if media_url:
        lines.append(f"图片/媒体：{media_url}")  # kept as a link, never fetched
    if address and report.lat is not None:
        lines.append(f"填报地址：{plain(address, 200)}")
    if not lines:
        return
    CaseEvent.objects.create(
        case_id=case_id,
        at=timezone.now(),
        actor_name=f"Open311: {key.name}"[:150],
        action="open311",
        note="\n".join(lines)[:2000],
        data={"attributes": checked.values, "media_url": media_url, "client": key.name},
    )
