"""The resident's rating (事项办理评价) through a one-time link, and closing unrated cases."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.models import Case
from gridgov.cases.models.case import State
from gridgov.cases.services.transitions import Action, act, case_for
from gridgov.core.errors import ApiError, Invalid


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue_link(actor: Any, case_id: int) -> str:
    """A new one-time rating token for a resolved case (any earlier one stops working)."""
    case = case_for(actor, case_id)
    if case.state != State.RESOLVED:
        raise ApiError(409, "invalid_transition", _("A rating is asked once the case is resolved."))
    raw = secrets.token_urlsafe(24)
    case.rating_token_digest = _digest(raw)
    case.save(update_fields=["rating_token_digest"])
    return raw


def case_for_token(raw: str) -> Case:
    case = (
        Case.objects.filter(rating_token_digest=_digest(raw), state=State.RESOLVED).first() if raw else None
    )
    if case is None:
        raise ApiError(404, "not_found", _("This rating link was used already or is no longer valid."))
    return case


def rate(raw: str, score: int, comment: str, solved: bool) -> Case:
    """The resident's answer. Solved: rated, verified and closed. Not solved: back to the handler."""
    if not 1 <= score <= 5:
        raise Invalid.one("score", _("Choose 1 to 5 stars."))
    comment = comment.strip()[:500]
    with transaction.atomic():
        case = case_for_token(raw)
        Case.objects.filter(pk=case.pk).update(rating=score, rating_comment=comment, rating_token_digest="")
        case.refresh_from_db()
        if solved:
            case = act(None, case.pk, Action("verify", case.version, _("Confirmed by the resident.")))
            case = act(
                None,
                case.pk,
                Action("close", case.version, _("Rated %(score)d/5 by the resident.") % {"score": score}),
            )
        else:
            note = comment or _("The resident says it is not solved.")
            case = act(None, case.pk, Action("rework", case.version, note))
    return case


def close_unrated(now: dt.datetime | None = None) -> int:
    """The worker's job: resolved cases nobody rated in time are verified and closed by the system."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.GRIDGOV_CASE_AUTOCLOSE_HOURS)
    closed = 0
    for case in Case.objects.filter(state=State.RESOLVED, resolved_at__lt=cutoff)[:500]:
        try:
            case = act(
                None, case.pk, Action("verify", case.version, _("No rating in time: closed by the system."))
            )
            act(None, case.pk, Action("close", case.version))
            closed += 1
        except ApiError:
            continue  # someone acted on it meanwhile; the next run sees its new state
    return closed
