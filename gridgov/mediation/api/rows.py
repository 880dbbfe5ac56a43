"""What the mediation API shows. Parties' phones leave masked; nothing is ever decrypted here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from gridgov.mediation.models import (
    Agreement,
    Consultation,
    Dispute,
    PoliceReferral,
    Tier,
)
from gridgov.mediation.models.ladder import VENUES
from gridgov.mediation.services.agreements import judicial_confirmation_by


def iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def listing(qs: QuerySet[Dispute]) -> QuerySet[Dispute]:
    """The joins and the police flag a list needs, in one query."""
    referred = PoliceReferral.objects.filter(dispute=OuterRef("pk"))
    return qs.select_related("case__grid", "risk").annotate(
        referred=Exists(referred), waiting=Exists(referred.filter(answered_at=None))
    )


def with_police(qs: QuerySet[Dispute], referred: bool) -> QuerySet[Dispute]:
    """Disputes that were (or were never) referred to the police zone."""
    ids = PoliceReferral.objects.values("dispute_id")
    return qs.filter(pk__in=ids) if referred else qs.exclude(pk__in=ids)


def days_left(dispute: Dispute, today: dt.date | None = None) -> int | None:
    """Days left in the current tier's time limit (negative: overdue); None once mediation ended."""
    if dispute.outcome != Dispute.Outcome.OPEN:
        return None
    return (dispute.tier_due - (today or timezone.localdate())).days


def dispute_row(d: Dispute, today: dt.date | None = None) -> dict[str, Any]:
    referred = getattr(d, "referred", None)
    return {
        "id": d.pk,
        "case_id": d.case_id,
        "number": d.case.number,
        "title": d.case.title,
        "kind": {"code": d.kind, "name": d.get_kind_display()},
        "risk": {"code": d.risk.code, "name": d.risk.name, "color": d.risk.color, "rank": d.risk.rank},
        "violence_risk": d.violence_risk,
        "tier": d.tier,
        "tier_name": Tier(d.tier).label,
        "venue": str(VENUES[Tier(d.tier)]),
        "tier_started": iso(d.tier_started),
        "tier_due": iso(d.tier_due),
        "days_left": days_left(d, today),
        "outcome": d.outcome,
        "referral": d.referral,
        "grid": {"code": d.case.grid.code, "name": d.case.grid.name},
        "happened_on": iso(d.happened_on),
        "police": referred if referred is not None else d.police_referrals.exists(),
        "version": d.version,
    }


def agreement_row(a: Agreement) -> dict[str, Any]:
    return {
        "id": a.pk,
        "facts": a.facts,
        "matters": a.matters,
        "terms": a.terms,
        "performance_manner": a.performance_manner,
        "performance_place": a.performance_place,
        "performance_deadline": iso(a.performance_deadline),
        "signed_on": iso(a.signed_on),
        "parties_signed": a.parties_signed,
        "committee_sealed": a.committee_sealed,
        "effective": a.effective,
        "mediator": a.mediator.display_name(),
        "performance": a.performance,
        "judicial_confirmation_by": iso(judicial_confirmation_by(a)),
        "print_url": f"/mediation/agreements/{a.pk}/print",
        "follow_ups": [
            {
                "id": f.pk,
                "due": iso(f.due),
                "done_on": iso(f.done_on),
                "by": f.by.display_name() if f.by else None,
                "note": f.note,
            }
            for f in a.follow_ups.select_related("by")
        ],
    }


def dispute_detail(d: Dispute) -> dict[str, Any]:
    agreement = Agreement.objects.select_related("mediator").filter(dispute=d).first()
    return {
        **dispute_row(d),
        "matter": d.matter,
        "risk": {**dispute_row(d)["risk"], "rule": d.risk.rule, "reason": d.risk_reason},
        "found_by": d.found_by,
        "finder": d.finder.display_name() if d.finder else None,
        "centre": d.centre.name if d.centre else None,
        "ended_on": iso(d.ended_on),
        "participants": [u.display_name() for u in d.participants.order_by("pk")],
        "parties": [
            {
                "id": p.pk,
                "kind": p.kind,
                "name": p.name,
                "resident_id": p.resident_id,
                "phone": p.phone_masked,
                "address": p.address,
                "visits": [
                    {"on": iso(v.on), "centre": v.centre.name} for v in p.visits.select_related("centre")
                ],
            }
            for p in d.parties.all()
        ],
        "sessions": [
            {
                "id": s.pk,
                "tier": s.tier,
                "held_on": iso(s.held_on),
                "place": s.place,
                "attendees": s.attendees,
                "summary": s.summary,
            }
            for s in d.sessions.all()
        ],
        "agreement": agreement_row(agreement) if agreement else None,
        "police_referrals": [
            {
                "id": r.pk,
                "officer": r.officer.display_name() if r.officer else None,
                "referred_at": iso(r.referred_at),
                "reason": r.reason,
                "answered_at": iso(r.answered_at),
                "answer": r.answer,
            }
            for r in d.police_referrals.select_related("officer")
        ],
        "clues": [
            {"id": c.pk, "kind": c.kind, "source": c.source, "found_on": iso(c.found_on)}
            for c in d.clues.all()
        ],
        "timeline": [
            {"at": iso(e.at), "by": e.actor_name, "action": e.action, "note": e.note, "data": e.data}
            for e in d.case.events.all()
        ],
    }


def consultation_row(c: Consultation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "village": {"code": c.village.code, "name": c.village.name},
        "title": c.title,
        "status": c.status,
        "proposed_by": c.proposed_by,
        "proposed_on": iso(c.proposed_on),
        "decided_on": iso(c.decided_on),
        "total": str(c.total) if c.total is not None else None,
        "progress": c.progress,
        "completed_on": iso(c.completed_on),
        "version": c.version,
    }


def consultation_detail(c: Consultation) -> dict[str, Any]:
    return {
        **consultation_row(c),
        "proposal": c.proposal,
        "decision": c.decision,
        "meetings": [
            {
                "id": m.pk,
                "held_on": iso(m.held_on),
                "place": m.place,
                "attendance": m.attendance,
                "attendees": m.attendees,
                "minutes": m.minutes,
            }
            for m in c.meetings.all()
        ],
        "shares": [
            {"source": s.source, "contributor": s.contributor, "amount": str(s.amount)}
            for s in c.shares.all()
        ],
        "reports": [{"on": iso(r.on), "percent": r.percent, "note": r.note} for r in c.reports.all()],
    }
