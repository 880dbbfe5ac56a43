"""Disputes: the list within scope, one dispute in full, opening one, its risk, the police's answer."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from gridgov.accounts.roles import Role
from gridgov.core.errors import NotInScope
from gridgov.mediation.api.place import place_in_scope
from gridgov.mediation.api.rows import dispute_detail, dispute_row, listing, with_police
from gridgov.mediation.api.schemas import AnswerIn, DisputeIn, RiskIn
from gridgov.mediation.models import Dispute, PoliceReferral
from gridgov.mediation.services import agreements, disputes

router = Router()


def loaded(user: Any, dispute_id: int) -> Dispute:
    """The dispute if `user` may read it (404 otherwise), with what its detail shows."""
    found = disputes.dispute_for(user, dispute_id, "view")
    return (
        Dispute.objects.select_related("case__grid", "risk", "finder", "centre")
        .prefetch_related("parties", "sessions", "clues", "case__events")
        .get(pk=found.pk)
    )


@router.get("/disputes", summary="Disputes within your scope, filtered by risk, tier and outcome")
def list_disputes(
    request: HttpRequest,
    risk: str = "",
    tier: int | None = None,
    outcome: Literal["", "open", "resolved", "agreement", "referred"] = "",
    police: bool | None = None,
    ran_more_than_once: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    qs = listing(Dispute.objects.restrict(request.user, "view"))
    if risk:
        qs = qs.filter(risk__code=risk)
    if tier is not None:
        qs = qs.filter(tier=tier)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if police is not None:
        qs = with_police(qs, police)
    if ran_more_than_once:
        qs = agreements.ran_more_than_once(qs)
    limit = max(1, min(limit, 200))
    return {"count": qs.count(), "results": [dispute_row(d) for d in qs[offset : offset + limit]]}


@router.post(
    "/disputes", response={201: dict[str, Any]}, summary="Open a dispute found in screening or reported"
)
def open_dispute(request: HttpRequest, data: DisputeIn) -> Status[dict[str, Any]]:
    place = place_in_scope(
        request.user, grid_code=data.grid, lng=data.lng, lat=data.lat, household_id=data.household_id
    )
    dispute = disputes.open_dispute(
        request.user,
        disputes.DisputeInput(
            title=data.title,
            kind=data.kind,
            matter=data.matter,
            happened_on=data.happened_on,
            risk=data.risk,
            lng=place.lng,
            lat=place.lat,
            household_id=place.household_id,
            violence_risk=data.violence_risk,
            found_by=data.found_by,
            parties=[
                disputes.PartyInput(
                    name=p.name, resident_id=p.resident_id, kind=p.kind, phone=p.phone, address=p.address
                )
                for p in data.parties
            ],
        ),
    )
    return Status(201, dispute_detail(loaded(request.user, dispute.pk)))


@router.get("/disputes/{dispute_id}", summary="A dispute: parties, risk, tier, sessions, agreement, timeline")
def detail(request: HttpRequest, dispute_id: int) -> dict[str, Any]:
    return dispute_detail(loaded(request.user, dispute_id))


@router.post(
    "/disputes/{dispute_id}/risk", summary="Set the risk level (top level or violence: police at once)"
)
def set_risk(request: HttpRequest, dispute_id: int, data: RiskIn) -> dict[str, Any]:
    disputes.set_risk(request.user, dispute_id, data.version, data.risk, data.reason, data.violence_risk)
    return dispute_detail(loaded(request.user, dispute_id))


def _referred_dispute(user: Any, referral_id: int) -> int:
    found = PoliceReferral.objects.restrict(user, "view").filter(pk=referral_id).first()
    if found is None:
        raise NotInScope
    return found.dispute_id


@router.post("/referrals/{referral_id}/answer", summary="The officer answers a police referral and joins")
def answer_referral(request: HttpRequest, referral_id: int, data: AnswerIn) -> dict[str, Any]:
    # The service lets anyone who may change the dispute answer; an answer for the police is the
    # officer's own (he joins by answering), so other roles are refused here, as on the page.
    if getattr(request.user, "role", "") != Role.OFFICER:
        _referred_dispute(request.user, referral_id)  # outside one's scope it is 404, as for any record
        raise PermissionDenied(_("Only the police officer answers a referral."))
    referral = disputes.answer_referral(request.user, referral_id, data.answer)
    return dispute_detail(loaded(request.user, referral.dispute_id))
