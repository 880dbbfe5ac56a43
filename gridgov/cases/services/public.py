"""The resident's own form, reached from a grid worker's contact card: no account, so rate-limited."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.models import Reporter
from gridgov.cases.models.case import Channel
from gridgov.cases.services.intake import PHONE_INDEX, Intake, Report, intake
from gridgov.core import crypto
from gridgov.core.errors import ApiError, Invalid
from gridgov.people.identity import IdentityError, normalize_phone

PER_HOUR = 5  # reports from one device, or one phone number, in an hour


def _recent(**filters: str) -> int:
    since = timezone.now() - dt.timedelta(hours=1)
    return Reporter.objects.filter(case__reported_at__gte=since, account=None, **filters).count()


def public_intake(report: Report) -> Intake:
    """A resident's report. A phone number is required, so the grid worker can call back."""
    report.channel = Channel.CONTACT_CARD
    if not report.reporter_phone.strip():
        raise Invalid.one("reporter_phone", _("Leave a phone number so your grid worker can call you back."))
    try:
        phone = normalize_phone(report.reporter_phone)
    except IdentityError as error:
        raise Invalid.one("reporter_phone", error.message) from None
    indexes = crypto.blind_index_candidates(phone, PHONE_INDEX)
    if (report.device and _recent(device=report.device[:64]) >= PER_HOUR) or Reporter.objects.filter(
        phone_index__in=indexes, account=None, case__reported_at__gte=timezone.now() - dt.timedelta(hours=1)
    ).count() >= PER_HOUR:
        raise ApiError(429, "too_many", _("Too many reports in the last hour. Please call your grid worker."))
    return intake(None, report)
