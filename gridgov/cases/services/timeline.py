"""The case's timeline and the people it tells."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.models import Case, CaseEvent, WebhookEndpoint
from gridgov.cases.services import notify


def actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return _("system")
    display = getattr(actor, "display_name", None)
    return str(display() if callable(display) else actor)


def record(
    case: Case,
    actor: Any,
    action: str,
    from_state: str,
    to_state: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_label(actor),
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


def tell_holder(case: Case, kind: str, endpoints: list[WebhookEndpoint] | None = None) -> None:
    if case.assignee_id is None:
        return
    messages = {
        "reported": _("New case %(number)s in %(grid)s: %(title)s"),
        "escalated": _("Case %(number)s was escalated to you: %(title)s"),
        "dispatched": _("Case %(number)s was dispatched to you: %(title)s"),
        "returned": _("Case %(number)s was returned for rework: %(title)s"),
    }
    template = messages.get(kind, _("Case %(number)s: %(title)s"))
    notify.notify(
        [case.assignee_id],
        case,
        kind,
        template % {"number": case.number, "grid": case.grid.name, "title": case.title},
        endpoints,
    )
