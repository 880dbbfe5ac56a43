"""The case's timeline and the people it tells."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gridgov.cases.models import Case, CaseEvent, WebhookEndpoint
from gridgov.cases.services import notify
from gridgov.core.models.insert import made


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
    event = new_event(case, actor, action, from_state, to_state, note, data)
    event.save(force_insert=True)  # as CaseEvent.objects.create() does
    return event


def new_event(
    case: Case,
    actor: Any,
    action: str,
    from_state: str,
    to_state: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """The event record() saves, unsaved: for a caller that stores it in a statement of its own."""
    return made(CaseEvent)(
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
    notice = holder_notice(case, kind)
    if notice is not None and case.assignee_id is not None:
        notify.notify([case.assignee_id], case, kind, notice, endpoints)


def holder_notice(case: Case, kind: str) -> str | None:
    """The message tell_holder() sends the case's holder; None when it has none (nothing is sent)."""
    if case.assignee_id is None:
        return None
    template = _(_MESSAGES.get(kind, "Case %(number)s: %(title)s"))  # translated when sent
    return template % {"number": case.number, "grid": case.grid.name, "title": case.title}


_MESSAGES = {
    "reported": gettext_noop("New case %(number)s in %(grid)s: %(title)s"),
    "escalated": gettext_noop("Case %(number)s was escalated to you: %(title)s"),
    "dispatched": gettext_noop("Case %(number)s was dispatched to you: %(title)s"),
    "returned": gettext_noop("Case %(number)s was returned for rework: %(title)s"),
}
