"""Agreements (art. 29), follow-up visits and the parties' visits to a centre ("最多跑一次")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from gridgov.core.errors import NotInScope
from gridgov.mediation.api.disputes import loaded
from gridgov.mediation.api.rows import agreement_row, dispute_detail
from gridgov.mediation.api.schemas import AgreementIn, FollowUpIn, VisitIn
from gridgov.mediation.models import Agreement, MediationCentre
from gridgov.mediation.services import agreements

router = Router()


@router.post(
    "/disputes/{dispute_id}/agreement",
    response={201: dict[str, Any]},
    summary="Sign a mediation agreement with the elements the law names",
)
def make_agreement(request: HttpRequest, dispute_id: int, data: AgreementIn) -> Status[dict[str, Any]]:
    agreements.make_agreement(
        request.user,
        dispute_id,
        data.version,
        agreements.AgreementInput(
            facts=data.facts,
            matters=data.matters,
            terms=data.terms,
            performance_manner=data.performance_manner,
            performance_place=data.performance_place,
            performance_deadline=data.performance_deadline,
            signed_on=data.signed_on,
            parties_signed=data.parties_signed,
            committee_sealed=data.committee_sealed,
        ),
    )
    return Status(201, dispute_detail(loaded(request.user, dispute_id)))


@router.get("/agreements/{agreement_id}", summary="An agreement with its follow-up visits")
def agreement(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    found = (
        Agreement.objects.restrict(request.user, "view").select_related("mediator").filter(pk=agreement_id)
    )
    item = found.first()
    if item is None:
        raise NotInScope
    return agreement_row(item)


@router.post("/follow-ups/{follow_up_id}", summary="Record a follow-up visit: performed, pending or broken")
def follow_up(request: HttpRequest, follow_up_id: int, data: FollowUpIn) -> dict[str, Any]:
    done = agreements.record_follow_up(request.user, follow_up_id, data.note, data.performance)
    return dispute_detail(loaded(request.user, done.agreement.dispute_id))


@router.post("/parties/{party_id}/visits", response={201: dict[str, Any]}, summary="A party came to a centre")
def visit(request: HttpRequest, party_id: int, data: VisitIn) -> Status[dict[str, Any]]:
    made = agreements.record_visit(request.user, party_id, data.centre_id, data.on, data.purpose)
    return Status(201, dispute_detail(loaded(request.user, made.party.dispute_id)))


@router.get("/centres", summary="Mediation centres (public) with their level")
def centres(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": c.pk, "name": c.name, "level": c.level, "village": c.village.code if c.village else None}
        for c in MediationCentre.objects.select_related("village")
    ]
