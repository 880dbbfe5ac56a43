"""Mediation agreements with the elements art. 29 names, follow-up visits, and "最多跑一次"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.services import timeline
from gridgov.core.errors import Collector, Invalid, NotInScope
from gridgov.mediation.models import Agreement, Dispute, FollowUp, MediationCentre, Party, Visit
from gridgov.mediation.services.disputes import bump, dispute_for
from gridgov.mediation.services.ladder import _conclude_case, _open

# Parties may jointly ask a court to confirm the agreement within 30 days of it taking effect (art. 33).
JUDICIAL_CONFIRMATION_DAYS = 30
FOLLOW_UP_DAYS = (7, 30)


@dataclass
class AgreementInput:
    facts: str
    matters: str
    terms: str
    performance_manner: str
    performance_place: str
    performance_deadline: dt.date | None
    signed_on: dt.date | None
    parties_signed: bool
    committee_sealed: bool


def make_agreement(actor: Any, dispute_id: int, version: int, data: AgreementInput) -> Agreement:
    dispute = dispute_for(actor, dispute_id)
    _open(dispute)
    errors = Collector()
    for name in ("facts", "matters", "terms", "performance_manner", "performance_place"):
        if not str(getattr(data, name)).strip():
            errors.add(name, _("An agreement must state this."))
    if data.performance_deadline is None:
        errors.add("performance_deadline", _("An agreement must state the deadline of performance."))
    if data.signed_on is None:
        errors.add("signed_on", _("Give the date it was signed."))
    elif data.signed_on < dispute.happened_on or data.signed_on > timezone.localdate():
        errors.add("signed_on", _("The signing date must fall between the dispute and today."))
    if data.performance_deadline and data.signed_on and data.performance_deadline < data.signed_on:
        errors.add("performance_deadline", _("The deadline is before the signing."))
    if dispute.parties.count() < 2:
        errors.add("parties", _("An agreement needs the parties."))
    if not data.parties_signed:
        errors.add("parties_signed", _("The parties must sign, seal or put their fingerprints on it."))
    errors.raise_if_any()
    assert data.signed_on is not None and data.performance_deadline is not None
    with transaction.atomic():
        performance = Agreement.Performance.PENDING  # copied on the dispute for the figures
        bump(
            dispute,
            version,
            outcome=Dispute.Outcome.AGREEMENT,
            ended_on=data.signed_on,
            performance=performance,
        )
        agreement = Agreement.objects.create(
            dispute=dispute,
            facts=data.facts.strip(),
            matters=data.matters.strip(),
            terms=data.terms.strip(),
            performance_manner=data.performance_manner.strip()[:300],
            performance_place=data.performance_place.strip()[:200],
            performance_deadline=data.performance_deadline,
            signed_on=data.signed_on,
            parties_signed=data.parties_signed,
            mediator=actor,
            committee_sealed=data.committee_sealed,
        )
        for days in FOLLOW_UP_DAYS:
            FollowUp.objects.create(
                agreement=agreement,
                due=max(data.signed_on + dt.timedelta(days=days), data.performance_deadline),
            )
        scheduled = F("follow_up_count") + len(FOLLOW_UP_DAYS)  # the figures' copy
        Dispute.objects.filter(pk=dispute.pk).update(follow_up_count=scheduled)
        timeline.record(dispute.case, actor, "agreement", "", "", data.terms[:300], {"tier": dispute.tier})
        _conclude_case(actor, dispute, _("Mediation agreement signed."))
    return agreement


def judicial_confirmation_by(agreement: Agreement) -> dt.date:
    return agreement.signed_on + dt.timedelta(days=JUDICIAL_CONFIRMATION_DAYS)


def record_follow_up(actor: Any, follow_up_id: int, note: str, performance: str) -> FollowUp:
    """A follow-up visit; it may find the agreement performed or broken."""
    follow_up = (
        FollowUp.objects.restrict(actor, "change")
        .select_related("agreement__dispute__case")
        .filter(pk=follow_up_id)
        .first()
    )
    if follow_up is None:
        raise NotInScope(_("This follow-up is outside your grids."))
    if performance not in Agreement.Performance.values:
        raise Invalid.one("performance", _("Choose how the agreement is being kept."))
    if not note.strip():
        raise Invalid.one("note", _("Write what you found."))
    with transaction.atomic():
        # Read again under a lock: of two people recording the same follow-up at once, the second
        # sees it done, so the dispute's count of done follow-ups goes up once.
        locked = FollowUp.objects.select_for_update(of=("self",)).filter(pk=follow_up.pk)
        newly_done = locked.values_list("done_on", flat=True).get() is None
        follow_up.done_on, follow_up.by, follow_up.note = timezone.localdate(), actor, note.strip()
        follow_up.save()
        agreement = follow_up.agreement
        agreement.performance = performance
        agreement.save()
        # The figures' copies on the dispute.
        done = F("follow_up_done_count") + (1 if newly_done else 0)
        Dispute.objects.filter(pk=agreement.dispute_id).update(
            performance=performance, follow_up_done_count=done
        )
        timeline.record(
            agreement.dispute.case, actor, "follow_up", "", "", note.strip(), {"performance": performance}
        )
    return follow_up


def record_visit(actor: Any, party_id: int, centre_id: int, on: dt.date, purpose: str = "") -> Visit:
    party = Party.objects.restrict(actor, "change").filter(pk=party_id).first()
    centre = MediationCentre.objects.filter(pk=centre_id).first()
    if party is None or centre is None:
        raise NotInScope(_("Unknown party or centre."))
    if on > timezone.localdate():
        raise Invalid.one("on", _("The date is in the future."))
    with transaction.atomic():
        visit = Visit.objects.create(party=party, centre=centre, on=on, purpose=purpose.strip()[:200])
        # In the database, not party.visit_count + 1: two visits recorded at once both count.
        Party.objects.filter(pk=party.pk).update(visit_count=F("visit_count") + 1)
        heavy = Party.objects.filter(pk=party.pk, visit_count__gt=1)
        if heavy.exists():  # 最多跑一次 missed: the figures' copy on the dispute
            Dispute.objects.filter(pk=party.dispute_id, ran_more_than_once=False).update(
                ran_more_than_once=True
            )
    return visit


def ran_more_than_once(disputes: QuerySet[Dispute]) -> QuerySet[Dispute]:
    """Disputes where some party had to come to a centre more than once ("最多跑一次" missed)."""
    return disputes.filter(ran_more_than_once=True)
