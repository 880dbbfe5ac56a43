"""Clues from screening (摸排): the answer says at once whether they add up to an early warning."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from gridgov.mediation.api.rows import iso
from gridgov.mediation.api.schemas import ClueIn
from gridgov.mediation.models import Clue
from gridgov.mediation.services import clues

router = Router()


def clue_row(c: Clue) -> dict[str, Any]:
    return {
        "id": c.pk,
        "grid": c.grid.code,
        "kind": c.kind,
        "kind_name": c.get_kind_display(),
        "source": c.source,
        "found_on": iso(c.found_on),
        "description": c.description,
        "address": c.address,
        "residents": [{"id": r.pk, "name": r.name} for r in c.residents.all()],
        "dispute_id": c.dispute_id,
    }


@router.get("/clues", summary="Recent clues within your scope")
def list_clues(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    qs = Clue.objects.restrict(request.user, "view").select_related("grid").prefetch_related("residents")
    limit = max(1, min(limit, 200))
    return {"count": qs.count(), "results": [clue_row(c) for c in qs[offset : offset + limit]]}


@router.post("/clues", response={201: dict[str, Any]}, summary="Record a clue; repeated ones raise a warning")
def record(request: HttpRequest, data: ClueIn) -> Status[dict[str, Any]]:
    clue, warning = clues.record_clue(
        request.user,
        clues.ClueInput(
            grid_code=data.grid,
            kind=data.kind,
            source=data.source,
            found_on=data.found_on,
            description=data.description,
            address=data.address,
            resident_ids=data.resident_ids,
            dispute_id=data.dispute_id,
        ),
    )
    answer = None
    if warning is not None:
        answer = {"clues": warning.clues, "reason": warning.reason, "raised": warning.raised}
    return Status(201, {"clue": clue_row(clue), "warning": answer})
