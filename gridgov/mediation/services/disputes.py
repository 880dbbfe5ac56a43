"""Opening a dispute, its parties, its risk and the police referral (People's Mediation Law art. 25)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role
from gridgov.cases.models import Case
from gridgov.cases.services import notify, timeline
from gridgov.cases.services.intake import Report, intake
from gridgov.cases.services.transitions import Action, act
from gridgov.core import crypto, versioning
from gridgov.core.errors import Collector, Invalid, NotInScope
from gridgov.core.masking import mask_phone
from gridgov.mediation.models import Dispute, Party, PoliceReferral, RiskLevel, Tier
from gridgov.mediation.models.disputes import DisputeKind
from gridgov.mediation.models.ladder import DAYS_PER_TIER
from gridgov.people.identity import IdentityError, normalize_phone
from gridgov.people.models import Resident
from gridgov.people.services import sealing

PARTY_PHONE = "mediation.party.phone"
# The case category a dispute is filed under (the rest go to the major class 02 矛盾纠纷).
CASE_CATEGORY: dict[str, str] = {DisputeKind.NEIGHBOURS: "0201", DisputeKind.MARRIAGE_FAMILY: "0202"}


@dataclass
class PartyInput:
    name: str = ""
    resident_id: int | None = None
    kind: str = Party.Kind.PERSON
    phone: str = ""
    address: str = ""


@dataclass
class DisputeInput:
    title: str
    kind: str
    matter: str
    happened_on: dt.date
    risk: str
    lng: float | None = None
    lat: float | None = None
    household_id: int | None = None
    address: str = ""
    violence_risk: bool = False
    found_by: str = Dispute.FoundBy.SCREENING
    parties: list[PartyInput] = field(default_factory=list)


def dispute_for(actor: Any, dispute_id: int, action: str = "change") -> Dispute:
    found = (
        Dispute.objects.restrict(actor, action)
        .select_related("case__grid__police_zone", "risk")
        .filter(pk=dispute_id)
        .first()
    )
    if found is None:
        raise NotInScope(_("This dispute is outside your grids."))
    return found


def bump(dispute: Dispute, version: int, **changes: Any) -> None:
    """Write `changes` only if nobody else changed the dispute since `version` was read."""
    versioning.bump(
        dispute, version, _("Someone else changed this dispute just now. Reload it and try again."), **changes
    )


def _parties(actor: Any, parties: list[PartyInput], errors: Collector) -> list[Party]:
    built = []
    for n, p in enumerate(parties):
        resident = None
        if p.resident_id is not None:
            resident = (
                Resident.objects.restrict(actor, "view")
                .select_related("household")
                .filter(pk=p.resident_id)
                .first()
            )
            if resident is None:
                errors.add(f"parties.{n}", _("This person is not in your registry's scope."))
                continue
        name = (resident.name if resident else p.name).strip()
        if not name:
            errors.add(f"parties.{n}", _("A party needs a name."))
            continue
        address = p.address.strip() or (resident.household.address if resident and resident.household else "")
        party = Party(resident=resident, kind=p.kind, name=name[:100], address=address[:200])
        phone = ""
        if p.phone.strip():
            try:
                phone = normalize_phone(p.phone)
            except IdentityError as error:
                errors.add(f"parties.{n}", error.message)
                continue
        elif resident is not None:
            phone = sealing.open_phone(resident)  # carried over sealed, never shown
        if phone:
            party.phone_cipher, party.phone_masked = crypto.encrypt(phone, PARTY_PHONE), mask_phone(phone)
        built.append(party)
    if len(parties) < 2:
        errors.add("parties", _("A dispute has at least two parties."))
    return built


def open_dispute(actor: Any, data: DisputeInput) -> Dispute:
    """A dispute found in screening or reported: its case, its parties, tier 1 in the grid."""
    errors = Collector()
    if data.kind not in DisputeKind.values:
        errors.add("kind", _("Choose the kind of dispute."))
    risk = RiskLevel.objects.filter(code=data.risk).first()
    if risk is None:
        errors.add("risk", _("Unknown risk level."))
    if data.happened_on > timezone.localdate():
        errors.add("happened_on", _("The date is in the future."))
    if not data.matter.strip():
        errors.add("matter", _("Describe the matter."))
    parties = _parties(actor, data.parties, errors)
    errors.raise_if_any()
    assert risk is not None
    with transaction.atomic():
        case = intake(
            actor,
            Report(
                channel="patrol" if data.found_by == Dispute.FoundBy.SCREENING else "phone",
                category=CASE_CATEGORY.get(data.kind, "02"),
                title=data.title,
                description=data.matter,
                lng=data.lng,
                lat=data.lat,
                household_id=data.household_id,
            ),
        ).case
        today = timezone.localdate()
        dispute = Dispute.objects.create(
            case=case,
            grid_id=case.grid_id,
            kind=data.kind,
            matter=case.description,
            happened_on=data.happened_on,
            risk=risk,
            violence_risk=data.violence_risk,
            tier=Tier.GRID,
            tier_started=today,
            tier_due=today + dt.timedelta(days=DAYS_PER_TIER),
            found_by=data.found_by,
            finder=actor if getattr(actor, "pk", None) else None,
        )
        for party in parties:
            party.dispute = dispute
            party.save()
        if getattr(actor, "pk", None):
            dispute.participants.add(actor)
        _take_on(actor, case)
        if risk.police_at_once or data.violence_risk:
            refer_to_police(
                dispute,
                _("Risk %(risk)s: %(rule)s") % {"risk": risk.name, "rule": risk.rule}
                if risk.police_at_once
                else _("At risk of violence."),
            )
    return Dispute.objects.select_related("case", "risk").get(pk=dispute.pk)


def _take_on(actor: Any, case: Case) -> None:
    """The finder, when the case is routed to them, takes it on at once: mediation starts on the spot."""
    if actor is None or case.assignee_id != actor.pk:
        return
    for name in ("accept", "dispatch", "start"):
        case = act(actor, case.pk, Action(name, case.version))


def refer_to_police(dispute: Dispute, reason: str) -> PoliceReferral:
    """Told at once, joins the dispute; the answer is tracked."""
    case = Case.objects.select_related("grid__police_zone__officer").get(pk=dispute.case_id)
    officer = case.grid.police_zone.officer
    referral = PoliceReferral.objects.create(
        dispute=dispute, officer=officer, referred_at=timezone.now(), reason=reason[:300]
    )
    # The figures' copy; a dispute whose earlier referral was answered stays "answered".
    Dispute.objects.filter(pk=dispute.pk, police_status=Dispute.Police.NONE).update(
        police_status=Dispute.Police.REFERRED
    )
    if officer is not None:
        dispute.participants.add(officer)
        notify.notify(
            [officer.pk],
            case,
            "police_referral",
            _("Dispute referred to you (%(reason)s): %(title)s") % {"reason": reason, "title": case.title},
        )
    timeline.record(
        case,
        None,
        "police_referral",
        case.state,
        case.state,
        reason,
        {"officer": officer.pk if officer else None},
    )
    return referral


def answer_referral(actor: Any, referral_id: int, answer: str) -> PoliceReferral:
    referral = (
        PoliceReferral.objects.restrict(actor, "change")
        .select_related("dispute__case")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotInScope(_("This referral is outside your police zone."))
    if getattr(actor, "role", "") != Role.OFFICER:
        raise PermissionDenied(_("Only a community police officer answers a police referral."))
    if not answer.strip():
        raise Invalid.one("answer", _("Write the answer."))
    with transaction.atomic():
        referral.answer, referral.answered_at = answer.strip()[:2000], timezone.now()
        referral.save()
        Dispute.objects.filter(pk=referral.dispute_id).update(police_status=Dispute.Police.ANSWERED)
        referral.dispute.participants.add(actor)
        timeline.record(referral.dispute.case, actor, "police_answer", "", "", referral.answer)
    return referral


def set_risk(
    actor: Any, dispute_id: int, version: int, risk_code: str, reason: str, violence_risk: bool | None = None
) -> Dispute:
    dispute = dispute_for(actor, dispute_id)
    risk = RiskLevel.objects.filter(code=risk_code).first()
    if risk is None:
        raise Invalid.one("risk", _("Unknown risk level."))
    violence = dispute.violence_risk if violence_risk is None else violence_risk
    with transaction.atomic():
        referred_before = dispute.police_referrals.exists()
        bump(dispute, version, risk=risk, risk_reason=reason.strip()[:300], violence_risk=violence)
        timeline.record(
            dispute.case, actor, "risk", "", "", reason, {"risk": risk.code, "violence": violence}
        )
        if (risk.police_at_once or violence) and not referred_before:
            refer_to_police(dispute, reason or risk.rule)
    return dispute
