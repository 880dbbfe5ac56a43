"""Climbing the ladder: sessions at a tier, one tier up with a reason, and the ways a mediation ends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.models import Case
from gridgov.cases.models.case import OPEN_STATES
from gridgov.cases.services import timeline
from gridgov.cases.services.transitions import Action, act
from gridgov.core.errors import ApiError, Collector, Invalid
from gridgov.mediation.models import Dispute, MediationCentre, Session, Tier
from gridgov.mediation.models.ladder import DAYS_PER_TIER, TOP_TIER, VENUES
from gridgov.mediation.services.disputes import bump, dispute_for


@dataclass
class SessionInput:
    held_on: dt.date
    place: str
    attendees: str
    summary: str


def _open(dispute: Dispute) -> None:
    if dispute.outcome != Dispute.Outcome.OPEN:
        raise ApiError(409, "invalid_transition", _("This mediation has already ended."))


def record_session(actor: Any, dispute_id: int, version: int, data: SessionInput) -> Session:
    dispute = dispute_for(actor, dispute_id)
    _open(dispute)
    errors = Collector()
    if data.held_on < dispute.happened_on:
        errors.add("held_on", _("A session cannot be before the dispute happened."))
    if data.held_on > timezone.localdate():
        errors.add("held_on", _("The date is in the future."))
    for name in ("place", "attendees", "summary"):
        if not getattr(data, name).strip():
            errors.add(name, _("This is required."))
    errors.raise_if_any()
    with transaction.atomic():
        bump(dispute, version)
        session = Session.objects.create(
            dispute=dispute,
            tier=dispute.tier,
            held_on=data.held_on,
            place=data.place.strip()[:200],
            attendees=data.attendees.strip()[:500],
            summary=data.summary.strip(),
            recorded_by=actor,
        )
        timeline.record(
            dispute.case,
            actor,
            "session",
            "",
            "",
            data.summary[:300],
            {"tier": dispute.tier, "held_on": data.held_on.isoformat()},
        )
    return session


def centre_for(dispute: Dispute, tier: int) -> MediationCentre | None:
    village = dispute.case.village
    if tier == Tier.VILLAGE:
        return MediationCentre.objects.filter(village=village).first()
    if tier >= Tier.DEPARTMENTS:
        return MediationCentre.objects.filter(
            sub_district_id=village.sub_district_id, level=MediationCentre.Level.SUB_DISTRICT
        ).first()
    return None


def escalate_tier(actor: Any, dispute_id: int, version: int, reason: str) -> Dispute:
    """One tier up — only as far as it must go, so a reason is required."""
    dispute = dispute_for(actor, dispute_id)
    _open(dispute)
    if dispute.tier >= TOP_TIER:
        raise ApiError(
            409, "top_tier", _("The key-matters meeting is the top tier: end the mediation instead.")
        )
    if not reason.strip():
        raise Invalid.one("reason", _("Give the reason to go up a tier."))
    to = dispute.tier + 1
    today = timezone.localdate()
    with transaction.atomic():
        centre = centre_for(dispute, to)
        bump(
            dispute,
            version,
            tier=to,
            tier_started=today,
            tier_due=today + dt.timedelta(days=DAYS_PER_TIER),
            centre=centre or dispute.centre,
        )
        if centre is not None:
            dispute.participants.add(*centre.mediators.all())
        timeline.record(
            dispute.case,
            actor,
            "tier",
            "",
            "",
            reason.strip(),
            {"from_tier": to - 1, "to_tier": to, "venue": str(VENUES[Tier(to)])},
        )
    return dispute


def extend_tier(actor: Any, dispute_id: int, version: int, days: int, consent: str) -> Dispute:
    """Longer than 30 days only with the parties' consent, which is recorded."""
    dispute = dispute_for(actor, dispute_id)
    _open(dispute)
    if not 1 <= days <= 90 or not consent.strip():
        raise Invalid.one("consent", _("Record the parties' consent and up to 90 more days."))
    with transaction.atomic():
        bump(dispute, version, tier_due=dispute.tier_due + dt.timedelta(days=days))
        timeline.record(dispute.case, actor, "extend", "", "", consent.strip(), {"days": days})
    return dispute


def _conclude_case(actor: Any, dispute: Dispute, note: str) -> None:
    case = Case.objects.get(pk=dispute.case_id)
    if case.state in OPEN_STATES:
        act(actor, case.pk, Action("conclude", case.version, note), internal=True)


def end(actor: Any, dispute_id: int, version: int, outcome: str, note: str, referral: str = "") -> Dispute:
    """Resolved at this tier, or ended with a referral (arbitration, court, administrative department)."""
    dispute = dispute_for(actor, dispute_id)
    _open(dispute)
    if outcome not in {Dispute.Outcome.RESOLVED, Dispute.Outcome.REFERRED}:
        raise Invalid.one("outcome", _("End as resolved or referred; an agreement has its own form."))
    if outcome == Dispute.Outcome.REFERRED and referral not in Dispute.Referral.values:
        raise Invalid.one("referral", _("Choose where the parties are referred."))
    if not note.strip():
        raise Invalid.one("note", _("Say how it ended."))
    with transaction.atomic():
        bump(
            dispute,
            version,
            outcome=outcome,
            referral=referral if outcome == Dispute.Outcome.REFERRED else "",
            ended_on=timezone.localdate(),
        )
        if outcome == Dispute.Outcome.REFERRED:
            # Mediation failed: the parties are told of the other routes (art. 26).
            note = f"{note.strip()} — " + _("The parties were told they may turn to %(route)s.") % {
                "route": Dispute.Referral(referral).label
            }
        timeline.record(
            dispute.case,
            actor,
            "mediation_end",
            "",
            "",
            note.strip(),
            {"outcome": outcome, "tier": dispute.tier, "referral": referral},
        )
        _conclude_case(actor, dispute, note.strip())
    return dispute
