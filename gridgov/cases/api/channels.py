"""Channels for outside systems: the police system's 110 diversions and camera alarms (API tokens of
accounts made for them), and the resident's rating link (no account: the one-time token is the key)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from gridgov.cases.api.rows import case_row
from gridgov.cases.models.case import Channel
from gridgov.cases.services import rating
from gridgov.cases.services.intake import Report, intake
from gridgov.cases.services.triage import suggest_category
from gridgov.core.errors import Invalid

router = Router()


class DiversionIn(Schema):
    """A call to 110 the police centre judged non-police (非警务警情) and passes to the grid."""

    call_id: str = Field(..., max_length=64)
    summary: str = Field(..., max_length=200)
    detail: str = Field("", max_length=4000)
    category: str = ""
    lng: float
    lat: float
    crs: Literal["wgs84", "gcj02", "bd09"] = "gcj02"
    address: str = Field("", max_length=200)
    caller_name: str = Field("", max_length=60)
    caller_phone: str = Field("", max_length=30)


class CameraAlarmIn(Schema):
    camera_id: str = Field(..., max_length=64)
    alarm_id: str = Field(..., max_length=64)
    kind: str = Field(..., max_length=60)
    lng: float
    lat: float
    crs: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
    snapshot_url: str = Field("", max_length=500)


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)
    solved: bool = True


def _category(code: str, text: str, fallback: str) -> str:
    if code:
        return code
    found = suggest_category(text)
    return found.code if found else fallback


@router.post(
    "/intake/110", response={201: dict[str, Any]}, summary="A non-police 110 call, diverted to the grid"
)
def diversion(request: HttpRequest, data: DiversionIn) -> Status[dict[str, Any]]:
    text = f"{data.summary} {data.detail}"
    result = intake(
        request.user,
        Report(
            channel=Channel.DIVERSION_110,
            category=_category(data.category, text, "0501"),
            title=data.summary,
            description=data.detail,
            lng=data.lng,
            lat=data.lat,
            crs=data.crs,
            address=data.address,
            reporter_name=data.caller_name,
            reporter_phone=data.caller_phone,
            external_id=data.call_id,
        ),
    )
    return Status(201, {**case_row(result.case), "duplicates": [c.pk for c in result.duplicates]})


@router.post("/intake/camera", response={201: dict[str, Any]}, summary="A camera alarm")
def camera(request: HttpRequest, data: CameraAlarmIn) -> Status[dict[str, Any]]:
    result = intake(
        request.user,
        Report(
            channel=Channel.CAMERA,
            category=_category("", data.kind, "0701"),
            title=_("Camera %(camera)s: %(kind)s") % {"camera": data.camera_id, "kind": data.kind},
            description=data.snapshot_url,
            lng=data.lng,
            lat=data.lat,
            crs=data.crs,
            external_id=f"{data.camera_id}:{data.alarm_id}",
        ),
    )
    return Status(201, {**case_row(result.case), "duplicates": [c.pk for c in result.duplicates]})


@router.get("/ratings/{token}", auth=None, summary="What the resident is asked to rate")
def rating_form(request: HttpRequest, token: str) -> dict[str, Any]:
    case = rating.case_for_token(token)
    return {
        "number": case.number,
        "title": case.title,
        "category": case.category.name,
        "resolved_at": case.resolved_at.isoformat() if case.resolved_at else None,
    }


@router.post("/ratings/{token}", auth=None, summary="The resident's rating: 1–5, a comment, solved or not")
def rate(request: HttpRequest, token: str, data: RatingIn) -> dict[str, Any]:
    if not token:
        raise Invalid.one("token", _("The link is incomplete."))
    case = rating.rate(token, data.score, data.comment, data.solved)
    return {"number": case.number, "state": case.state}
