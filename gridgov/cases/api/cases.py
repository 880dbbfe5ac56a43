from __future__ import annotations

from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import BaseModel, Field

from gridgov.cases.api.rows import case_detail, case_row, summary_row
from gridgov.cases.models import Case, Category
from gridgov.cases.models.case import OPEN_STATES
from gridgov.cases.services import rating, transitions
from gridgov.cases.services.intake import ItemInput, Report, intake
from gridgov.core.errors import NotInScope

router = Router()


# Bodies as plain pydantic models: ninja's Schema adds a validator for reading ORM objects, which a
# request body never is, and it cost ten times the validation itself (18 µs against 1.6 per intake).
class ItemIn(BaseModel):
    name: str = Field(..., max_length=60)
    quantity: float = Field(..., gt=0, lt=1_000_000)
    unit: str = Field("", max_length=10)


class CaseIn(BaseModel):
    channel: Literal["phone", "wechat", "patrol"] = "phone"
    category: str
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=4000)
    lng: float | None = None
    lat: float | None = None
    crs: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
    building_id: int | None = None
    household_id: int | None = None
    address: str = Field("", max_length=200)
    reporter_name: str = Field("", max_length=60)
    reporter_phone: str = Field("", max_length=30)
    items: list[ItemIn] = Field(default_factory=list)


class ActionIn(Schema):
    action: str
    version: int
    note: str = Field("", max_length=2000)
    assignee_id: int | None = None
    into_id: int | None = None


def _report(data: CaseIn) -> Report:
    return Report(
        channel=data.channel,
        category=data.category,
        title=data.title,
        description=data.description,
        lng=data.lng,
        lat=data.lat,
        crs=data.crs,
        building_id=data.building_id,
        household_id=data.household_id,
        address=data.address,
        reporter_name=data.reporter_name,
        reporter_phone=data.reporter_phone,
        items=[ItemInput(i.name, i.quantity, i.unit) for i in data.items],
    )


def _loaded(user: Any, case_id: int) -> Case:
    case = transitions.case_for(user, case_id, "view")
    return (
        Case.objects.select_related("category", "grid", "assignee")
        .prefetch_related("items", "reporters")
        .get(pk=case.pk)
    )


@router.get("/categories", summary="Case categories (major and minor classes)")
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": c.code,
            "name": c.name,
            "police": c.police,
            "handler": c.handler,
            "parent": c.parent.code if c.parent else None,
        }
        for c in Category.objects.restrict(request.user, "view").filter(active=True).select_related("parent")
    ]


@router.get("/cases", summary="An inbox: mine, my grid, my zone, overdue — always within scope")
def inbox(
    request: HttpRequest,
    box: Literal["mine", "scope", "overdue", "all"] = "mine",
    state: str = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    qs = Case.objects.restrict(request.user, "view").select_related("category", "grid", "assignee")
    if box == "mine":
        qs = qs.filter(assignee_id=request.user.pk, state__in=OPEN_STATES)
    elif box == "scope":
        qs = qs.filter(state__in=OPEN_STATES)
    elif box == "overdue":
        qs = qs.filter(state__in=OPEN_STATES).filter(
            Q(resolve_due__lt=timezone.now()) | Q(accept_due__lt=timezone.now(), state="reported")
        )
    if state:
        qs = qs.filter(state=state)
    limit = max(1, min(limit, 200))
    return {"count": qs.count(), "results": [case_row(c) for c in qs[offset : offset + limit]]}


@router.post(
    "/cases", response={201: dict[str, Any]}, summary="Log a case: a call, a WeChat message, a patrol"
)
def create(request: HttpRequest, data: CaseIn) -> HttpResponse:
    # On a kept bearer token (gridgov.accounts.kept) the write checks the token itself.
    result = intake(request.user, _report(data), getattr(request, "kept_token", None))
    if not result.visible:  # logged, but outside what this account may see
        raise NotInScope(_("This case is outside your grids."))
    # The case as stored is in memory with its category, grid and holder: no need to read it back.
    body = {**case_row(result.case), "duplicates": [summary_row(c) for c in result.duplicates]}
    # Rendered as ninja renders every answer, without validating plain values against dict[str, Any]
    # (a copy of the whole body through a model, half as costly as the rendering itself).
    from gridgov.api import api  # the API this router belongs to, which imports this module

    return api.create_response(request, body, status=201)


@router.get("/cases/{case_id}", summary="A case with its timeline, items and the actions you may take")
def detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return case_detail(_loaded(request.user, case_id), request.user)


@router.post("/cases/{case_id}/actions", summary="Take an action (accept, dispatch, start, resolve …)")
def take_action(
    request: HttpRequest,
    case_id: int,
    data: Form[ActionIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> dict[str, Any]:
    action = transitions.Action(
        data.action, data.version, data.note, list(photos or []), data.assignee_id, data.into_id
    )
    case = transitions.act(request.user, case_id, action)
    return case_detail(_loaded(request.user, case.pk), request.user)


@router.post("/cases/{case_id}/items/{item_id}", summary="Tick an item off (or back on)")
def tick(request: HttpRequest, case_id: int, item_id: int, done: bool = True) -> dict[str, Any]:
    transitions.tick_item(request.user, item_id, done)
    return case_detail(_loaded(request.user, case_id), request.user)


@router.post("/cases/{case_id}/rating-link", summary="A one-time rating link for the resident")
def rating_link(request: HttpRequest, case_id: int) -> dict[str, str]:
    token = rating.issue_link(request.user, case_id)
    return {"token": token, "url": request.build_absolute_uri(f"/rate/{token}")}
