"""Village consultations (恳谈): proposal, meetings, the decision with its funding plan, progress."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Status

from gridgov.mediation.api.rows import consultation_detail, consultation_row
from gridgov.mediation.api.schemas import ConsultationIn, DecisionIn, MeetingIn, ProgressIn
from gridgov.mediation.models import Consultation
from gridgov.mediation.services import consultations as service

router = Router()


def _detail(user: Any, consultation_id: int) -> dict[str, Any]:
    item = service.consultation_for(user, consultation_id, "view")
    loaded = (
        Consultation.objects.select_related("village")
        .prefetch_related("meetings", "shares", "reports")
        .get(pk=item.pk)
    )
    return consultation_detail(loaded)


@router.get("/consultations", summary="Consultations of the villages within your scope")
def list_consultations(
    request: HttpRequest,
    status: Literal["", "proposed", "discussing", "decided", "rejected", "in_progress", "completed"] = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    qs = Consultation.objects.restrict(request.user, "view").select_related("village")
    if status:
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 200))
    return {"count": qs.count(), "results": [consultation_row(c) for c in qs[offset : offset + limit]]}


@router.post("/consultations", response={201: dict[str, Any]}, summary="Record a villagers' proposal")
def propose(request: HttpRequest, data: ConsultationIn) -> Status[dict[str, Any]]:
    item = service.propose(
        request.user, data.village, data.title, data.proposal, data.proposed_by, data.proposed_on
    )
    return Status(201, _detail(request.user, item.pk))


@router.get("/consultations/{consultation_id}", summary="A consultation with meetings, plan and progress")
def detail(request: HttpRequest, consultation_id: int) -> dict[str, Any]:
    return _detail(request.user, consultation_id)


@router.post("/consultations/{consultation_id}/meetings", summary="A meeting: attendance and minutes")
def meeting(request: HttpRequest, consultation_id: int, data: MeetingIn) -> dict[str, Any]:
    service.hold_meeting(
        request.user,
        consultation_id,
        data.version,
        data.held_on,
        data.place,
        data.attendance,
        data.attendees,
        data.minutes,
    )
    return _detail(request.user, consultation_id)


@router.post("/consultations/{consultation_id}/decision", summary="Decide; shares must add up to the total")
def decide(request: HttpRequest, consultation_id: int, data: DecisionIn) -> dict[str, Any]:
    service.decide(
        request.user,
        consultation_id,
        data.version,
        adopted=data.adopted,
        decision=data.decision,
        decided_on=data.decided_on,
        total=data.total,
        shares=[service.ShareInput(s.source, s.amount, s.contributor) for s in data.shares],
    )
    return _detail(request.user, consultation_id)


@router.post("/consultations/{consultation_id}/progress", summary="Report progress; 100% completes it")
def progress(request: HttpRequest, consultation_id: int, data: ProgressIn) -> dict[str, Any]:
    service.report_progress(request.user, consultation_id, data.version, data.on, data.percent, data.note)
    return _detail(request.user, consultation_id)
