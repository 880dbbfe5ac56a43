"""What the case API shows of a case. Reporters' phones leave masked."""

from __future__ import annotations

from typing import Any

from gridgov.cases import workflow
from gridgov.cases.models import Case
from gridgov.cases.services.duplicates import Summary


def iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def case_row(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "title": case.title,
        "category": {"code": case.category.code, "name": case.category.name},
        "state": case.state,
        "version": case.version,
        "channel": case.channel,
        "police": case.police,
        "handler": case.handler,
        "level": case.level,
        "assignee": case.assignee.display_name() if case.assignee else None,
        "grid": {"code": case.grid.code, "name": case.grid.name},
        "lng": case.lng,
        "lat": case.lat,
        "address": case.address,
        "reported_at": iso(case.reported_at),
        "deadline": iso(case.deadline),
        "resolve_due": iso(case.resolve_due),
        "closed_at": iso(case.closed_at),
        "rating": case.rating,
    }


def summary_row(summary: Summary) -> dict[str, Any]:
    """A nearby case offered for merging with the one just logged (intake's duplicates)."""
    v = summary.values
    return {
        "id": summary.pk,
        "number": summary.number,
        "title": v["title"],
        "state": v["state"],
        "reported_at": iso(v["reported_at"]),
        "metres": round(summary.metres),
    }


def case_detail(case: Case, user: Any) -> dict[str, Any]:
    role = str(getattr(user, "role", ""))
    return {
        **case_row(case),
        "description": case.description,
        "merged_into": case.merged_into_id,
        "items": [
            {
                "id": i.pk,
                "name": i.name,
                "quantity": str(i.quantity.normalize()),
                "unit": i.unit,
                "done": i.done,
            }
            for i in case.items.all()
        ],
        "reporters": [{"name": r.name, "phone": r.phone_masked} for r in case.reporters.all()],
        "timeline": [
            {
                "at": iso(e.at),
                "by": e.actor_name,
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "note": e.note,
                "attachments": [
                    {"name": a.name, "url": f"/cases/attachments/{a.pk}"} for a in e.attachments.all()
                ],
            }
            for e in case.events.prefetch_related("attachments")
        ],
        "actions": [t.name for t in workflow.available(case.state, role, case.assignee_id == user.pk)],
    }
