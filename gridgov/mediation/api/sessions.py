"""The ladder through the API: a session at the current tier, one tier up, more time, the end."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from gridgov.mediation.api.disputes import loaded
from gridgov.mediation.api.rows import dispute_detail
from gridgov.mediation.api.schemas import EndIn, ExtendIn, SessionIn, TierIn
from gridgov.mediation.services import ladder

router = Router()


@router.post("/disputes/{dispute_id}/sessions", summary="Record a mediation session at the current tier")
def record_session(request: HttpRequest, dispute_id: int, data: SessionIn) -> dict[str, Any]:
    ladder.record_session(
        request.user,
        dispute_id,
        data.version,
        ladder.SessionInput(data.held_on, data.place, data.attendees, data.summary),
    )
    return dispute_detail(loaded(request.user, dispute_id))


@router.post("/disputes/{dispute_id}/tier", summary="Go up one tier, with the reason (no further than 5)")
def escalate(request: HttpRequest, dispute_id: int, data: TierIn) -> dict[str, Any]:
    ladder.escalate_tier(request.user, dispute_id, data.version, data.reason)
    return dispute_detail(loaded(request.user, dispute_id))


@router.post("/disputes/{dispute_id}/extend", summary="More days at this tier, with the parties' consent")
def extend(request: HttpRequest, dispute_id: int, data: ExtendIn) -> dict[str, Any]:
    ladder.extend_tier(request.user, dispute_id, data.version, data.days, data.consent)
    return dispute_detail(loaded(request.user, dispute_id))


@router.post(
    "/disputes/{dispute_id}/end", summary="End: resolved, or referred to arbitration, court or a department"
)
def end(request: HttpRequest, dispute_id: int, data: EndIn) -> dict[str, Any]:
    ladder.end(request.user, dispute_id, data.version, data.outcome, data.note, data.referral)
    return dispute_detail(loaded(request.user, dispute_id))
