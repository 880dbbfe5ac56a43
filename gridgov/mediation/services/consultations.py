"""Village consultations: a proposal, meetings, the decision with a funding plan that adds up, progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import versioning
from gridgov.core.errors import ApiError, Collector, Invalid, NotInScope
from gridgov.geo.models import Village
from gridgov.mediation.models import Consultation, FundingShare, Meeting, ProgressReport


@dataclass
class ShareInput:
    source: str
    amount: str | Decimal
    contributor: str = ""


def consultation_for(actor: Any, consultation_id: int, action: str = "change") -> Consultation:
    found = Consultation.objects.restrict(actor, action).filter(pk=consultation_id).first()
    if found is None:
        raise NotInScope(_("This consultation is outside your scope."))
    return found


def _bump(item: Consultation, version: int, **changes: Any) -> None:
    versioning.bump(
        item, version, _("Someone else changed this consultation just now. Reload it."), **changes
    )


def propose(
    actor: Any, village_code: str, title: str, proposal: str, proposed_by: str, proposed_on: dt.date
) -> Consultation:
    village = Village.objects.restrict(actor, "view").filter(code=village_code).first()
    errors = Collector()
    if village is None:
        errors.add("village", _("This village is outside your scope."))
    for name, value in (("title", title), ("proposal", proposal), ("proposed_by", proposed_by)):
        if not value.strip():
            errors.add(name, _("This is required."))
    if proposed_on > timezone.localdate():
        errors.add("proposed_on", _("The date is in the future."))
    errors.raise_if_any()
    assert village is not None
    return Consultation.objects.create(
        village=village,
        title=title.strip()[:100],
        proposal=proposal.strip(),
        proposed_by=proposed_by.strip()[:200],
        proposed_on=proposed_on,
        created_by=actor,
    )


def hold_meeting(
    actor: Any,
    consultation_id: int,
    version: int,
    held_on: dt.date,
    place: str,
    attendance: int,
    attendees: str,
    minutes: str,
) -> Meeting:
    item = consultation_for(actor, consultation_id)
    errors = Collector()
    if held_on < item.proposed_on or held_on > timezone.localdate():
        errors.add("held_on", _("A meeting falls between the proposal and today."))
    if attendance < 1:
        errors.add("attendance", _("Count who attended."))
    if not minutes.strip() or not place.strip():
        errors.add("minutes", _("Write the place and the minutes."))
    if item.status not in {Consultation.Status.PROPOSED, Consultation.Status.DISCUSSING}:
        errors.add("status", _("This consultation is already decided."))
    errors.raise_if_any()
    with transaction.atomic():
        _bump(item, version, status=Consultation.Status.DISCUSSING)
        return Meeting.objects.create(
            consultation=item,
            held_on=held_on,
            place=place.strip()[:200],
            attendance=attendance,
            attendees=attendees.strip()[:500],
            minutes=minutes.strip(),
        )


def _money(value: str | Decimal) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount > 0 else None


def decide(
    actor: Any,
    consultation_id: int,
    version: int,
    *,
    adopted: bool,
    decision: str,
    decided_on: dt.date,
    total: str | Decimal | None = None,
    shares: list[ShareInput] | None = None,
) -> Consultation:
    """The decision; an adopted proposal carries a funding plan whose shares add up to the total."""
    item = consultation_for(actor, consultation_id)
    errors = Collector()
    if not item.meetings.exists():
        errors.add("meetings", _("Decide after at least one meeting with the villagers."))
    if not decision.strip():
        errors.add("decision", _("Write the decision."))
    if decided_on > timezone.localdate() or decided_on < item.proposed_on:
        errors.add("decided_on", _("The decision falls between the proposal and today."))
    parsed: list[tuple[str, str, Decimal]] = []
    amount_total = _money(total) if total is not None else None
    if adopted:
        if amount_total is None:
            errors.add("total", _("Give the total cost."))
        for n, share in enumerate(shares or []):
            amount = _money(share.amount)
            if share.source not in FundingShare.Source.values or amount is None:
                errors.add(f"shares.{n}", _("Each share needs a source and a positive amount."))
                continue
            parsed.append((share.source, share.contributor.strip()[:100], amount))
        if not parsed:
            errors.add("shares", _("An adopted proposal needs a funding plan."))
        elif amount_total is not None and sum(a for _s, _c, a in parsed) != amount_total:
            errors.add(
                "shares",
                _("The shares add up to %(sum)s, not the total %(total)s.")
                % {"sum": sum(a for _s, _c, a in parsed), "total": amount_total},
            )
    errors.raise_if_any()
    with transaction.atomic():
        status = Consultation.Status.DECIDED if adopted else Consultation.Status.REJECTED
        _bump(
            item, version, status=status, decision=decision.strip(), decided_on=decided_on, total=amount_total
        )
        for source, contributor, amount in parsed:
            FundingShare.objects.create(
                consultation=item, source=source, contributor=contributor, amount=amount
            )
    return item


def report_progress(
    actor: Any, consultation_id: int, version: int, on: dt.date, percent: int, note: str
) -> Consultation:
    item = consultation_for(actor, consultation_id)
    if item.status not in {Consultation.Status.DECIDED, Consultation.Status.IN_PROGRESS}:
        raise ApiError(
            409, "invalid_transition", _("Progress is reported on an adopted, unfinished proposal.")
        )
    if not item.progress <= percent <= 100:
        raise Invalid.one("percent", _("Progress goes from the last report up to 100%."))
    if not note.strip():
        raise Invalid.one("note", _("Say what was done."))
    done = percent == 100
    with transaction.atomic():
        _bump(
            item,
            version,
            progress=percent,
            status=Consultation.Status.COMPLETED if done else Consultation.Status.IN_PROGRESS,
            completed_on=on if done else None,
        )
        ProgressReport.objects.create(consultation=item, on=on, percent=percent, note=note.strip()[:500])
    return item
