from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from gridgov.people.api.schemas import (
    MoveInIn,
    MoveOutIn,
    RegisterIn,
    RegistrationIn,
    ResidentIn,
    TagIn,
    UnmaskIn,
    resident_row,
    tag_row,
)
from gridgov.people.models import Resident, Tag
from gridgov.people.services import privacy
from gridgov.people.services import residents as service
from gridgov.people.services.search import search
from gridgov.people.services.validation import ResidentInput

router = Router()


def _input(data: ResidentIn) -> ResidentInput:
    return ResidentInput(
        name=data.name,
        document_type=data.document_type,
        document_number=data.document_number,
        gender=data.gender,
        birth_date=data.birth_date,
        phone=data.phone,
        relation=data.relation,
        kind=data.kind,
        workplace=data.workplace,
    )


def _registration(data: RegistrationIn | None) -> service.RegistrationInput | None:
    if data is None:
        return None
    return service.RegistrationInput(
        start=data.start,
        expected_end=data.expected_end,
        landlord_name=data.landlord_name,
        landlord_phone=data.landlord_phone,
        reason=data.reason,
    )


@router.get(
    "/residents", summary="Search residents in scope (name, pinyin, initials, document, phone, address)"
)
def list_residents(
    request: HttpRequest,
    q: str = "",
    grid: str = "",
    kind: str = "",
    tag: str = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    limit = max(1, min(limit, 500))
    if q:
        rows = list(search(request.user, q, limit=limit))
        return {"count": len(rows), "results": [resident_row(r) for r in rows]}
    qs = (
        Resident.objects.restrict(request.user, "view")
        .filter(anonymised_at=None)
        .select_related("household", "grid")
    )
    if grid:
        qs = qs.filter(grid__code=grid)
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(tag_links__tag__code=tag).distinct()
    return {"count": qs.count(), "results": [resident_row(r) for r in qs[offset : offset + limit]]}


@router.post("/residents", response={201: dict[str, Any]}, summary="Register a resident in a household")
def register(request: HttpRequest, data: RegisterIn) -> Status[dict[str, Any]]:
    resident = service.register_resident(
        request.user,
        data.household_id,
        _input(data),
        moved_in=data.moved_in,
        registration=_registration(data.registration),
    )
    return Status(201, resident_row(Resident.objects.select_related("household", "grid").get(pk=resident.pk)))


@router.get("/residents/{resident_id}", summary="A resident's card (masked); the view is audited")
def detail(request: HttpRequest, resident_id: int) -> dict[str, Any]:
    resident = service.resident_for(request.user, resident_id, "view")
    privacy.record_card_view(request.user, resident)
    links = resident.tag_links.select_related("tag").order_by("start")
    registrations = resident.registrations.order_by("-start")
    return {
        **resident_row(resident),
        "workplace": resident.workplace,
        "tags": [tag_row(t) for t in links],
        "residences": [
            {
                "household_id": r.household_id,
                "address": r.household.address,
                "moved_in": r.moved_in.isoformat(),
                "moved_out": r.moved_out.isoformat() if r.moved_out else None,
            }
            for r in resident.residences.select_related("household").order_by("moved_in")
        ],
        "registrations": [
            {
                "id": g.pk,
                "start": g.start.isoformat(),
                "expected_end": g.expected_end.isoformat(),
                "ended_on": g.ended_on.isoformat() if g.ended_on else None,
                "landlord_name": g.landlord_name,
                "landlord_phone": g.landlord_phone_masked,
                "reason": g.reason,
            }
            for g in registrations
        ],
    }


@router.patch("/residents/{resident_id}", summary="Change a resident's details")
def update(request: HttpRequest, resident_id: int, data: ResidentIn) -> dict[str, Any]:
    resident = service.update_resident(request.user, resident_id, _input(data))
    return resident_row(Resident.objects.select_related("household", "grid").get(pk=resident.pk))


@router.post(
    "/residents/{resident_id}/unmask", summary="Full document number or phone, with a reason (audited)"
)
def unmask(request: HttpRequest, resident_id: int, data: UnmaskIn) -> dict[str, str]:
    return privacy.unmask(request.user, resident_id, data.fields, data.reason)


@router.post(
    "/residents/{resident_id}/personal-copy", summary="Everything held about a person, for that person"
)
def personal_copy(request: HttpRequest, resident_id: int, data: UnmaskIn) -> dict[str, Any]:
    return privacy.personal_copy(request.user, resident_id, data.reason)


@router.post("/residents/{resident_id}/move-out", summary="The resident leaves the household")
def move_out(request: HttpRequest, resident_id: int, data: MoveOutIn) -> dict[str, Any]:
    resident = service.move_out(request.user, resident_id, data.on, leaves_area=data.leaves_area)
    return resident_row(Resident.objects.select_related("household", "grid").get(pk=resident.pk))


@router.post("/residents/{resident_id}/move-in", summary="The resident moves into a household")
def move_in(request: HttpRequest, resident_id: int, data: MoveInIn) -> dict[str, Any]:
    resident = service.move_in(request.user, resident_id, data.household_id, data.on)
    return resident_row(Resident.objects.select_related("household", "grid").get(pk=resident.pk))


@router.post("/residents/{resident_id}/tags", response={201: dict[str, Any]}, summary="Tag a resident")
def add_tag(request: HttpRequest, resident_id: int, data: TagIn) -> Status[dict[str, Any]]:
    link = service.tag_resident(
        request.user, resident_id, data.tag, start=data.start, end=data.end, note=data.note
    )
    return Status(201, tag_row(link))


@router.post(
    "/residents/{resident_id}/registrations",
    response={201: dict[str, Any]},
    summary="A new residence registration for a floating resident",
)
def renew(request: HttpRequest, resident_id: int, data: RegistrationIn) -> Status[dict[str, Any]]:
    registration = service.renew_registration(request.user, resident_id, _registration(data))  # type: ignore[arg-type]
    return Status(
        201,
        {
            "id": registration.pk,
            "start": registration.start.isoformat(),
            "expected_end": registration.expected_end.isoformat(),
        },
    )


@router.get("/tags", summary="The tags an administrator defined")
def tags(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": t.code, "name": t.name, "kind": t.kind, "description": t.description}
        for t in Tag.objects.restrict(request.user, "view").filter(active=True)
    ]
