"""Moving a case through its state machine (gridgov.cases.workflow): the only code that changes state.

Optimistic concurrency: the caller says which version of the case it acted on; the update only
happens if the case is still at that version, so of two people acting at once exactly one wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases import workflow
from gridgov.cases.models import Case, CaseItem
from gridgov.cases.models.case import State
from gridgov.cases.services import attachments as files
from gridgov.cases.services import notify, timeline
from gridgov.core.errors import ApiError, Invalid, NotInScope

# The timestamp each target state sets, for the figures.
STAMPS: dict[str, str] = {
    State.ACCEPTED: "accepted_at",
    State.DISPATCHED: "dispatched_at",
    State.RESOLVED: "resolved_at",
    State.CLOSED: "closed_at",
}


@dataclass
class Action:
    name: str
    version: int
    note: str = ""
    photos: list[Any] = field(default_factory=list)
    assignee_id: int | None = None  # dispatch: to whom (default: the current assignee)
    into_id: int | None = None  # merge: the case that remains


def conflict() -> ApiError:
    return ApiError(409, "conflict", _("Someone else changed this case just now. Reload it and try again."))


def role_of(actor: Any) -> str:
    return workflow.SYSTEM if actor is None else str(getattr(actor, "role", ""))


def case_for(actor: Any, case_id: int, action: str = "change") -> Case:
    if actor is None:
        found = Case.objects.filter(pk=case_id).first()
    else:
        found = Case.objects.restrict(actor, action).filter(pk=case_id).first()
    if found is None:
        raise NotInScope(_("This case is outside your grids."))
    return found


def act(actor: Any, case_id: int, action: Action, *, internal: bool = False) -> Case:
    """Take one action on a case as `actor` (None: the system — the worker or the rating link)."""
    transition = workflow.TRANSITIONS.get(action.name)
    if transition is None or (transition.internal and not internal):
        raise Invalid.one("action", _("Unknown action."))
    checked = files.check(action.photos) if action.photos else []
    note = action.note.strip()[:2000]
    with transaction.atomic():
        case = case_for(actor, case_id)
        role = role_of(actor)
        is_assignee = actor is not None and case.assignee_id == actor.pk
        if case.version != action.version:
            raise conflict()
        if case.state not in transition.sources:
            raise ApiError(
                409,
                "invalid_transition",
                _("A case that is %(state)s cannot be %(action)s.")
                % {"state": case.get_state_display(), "action": transition.label},
            )
        if not workflow.allowed(transition, case.state, role, is_assignee):
            raise ApiError(
                403, "forbidden", _("Your role may not %(action)s this case.") % {"action": transition.label}
            )
        changes = _changes(actor, case, action, transition.target)
        now = timezone.now()
        if transition.target in STAMPS:
            changes[STAMPS[transition.target]] = now
        updated = Case.objects.filter(pk=case.pk, version=action.version).update(
            state=transition.target, version=F("version") + 1, **changes
        )
        if updated != 1:
            raise conflict()
        event = timeline.record(
            case, actor, action.name, case.state, transition.target, note, _event_data(changes)
        )
        files.store(case, event, checked, actor)
        case.refresh_from_db()
        _tell(case, action.name)
    return case


def _changes(actor: Any, case: Case, action: Action, target: str) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if action.name == "dispatch" and action.assignee_id and action.assignee_id != case.assignee_id:
        from gridgov.accounts.models import User

        assignee = User.objects.filter(pk=action.assignee_id, is_active=True).first()
        if assignee is None or not Case.objects.restrict(assignee, "change").filter(pk=case.pk).exists():
            raise Invalid.one("assignee_id", _("This person cannot handle cases in this grid."))
        changes["assignee_id"] = assignee.pk
    if action.name == "resolve" and not action.note.strip():
        raise Invalid.one("note", _("Say how it was resolved."))
    if action.name == "resolve" and CaseItem.objects.filter(case=case, done=False).exists():
        raise Invalid.one("items", _("Tick off every item first, or note why one could not be done."))
    if action.name == "rework":
        changes["rework_count"] = F("rework_count") + 1
    if action.name == "merge":
        changes["merged_into_id"] = _merge_target(actor, case, action.into_id)
    if action.name in {"cancel", "rework", "escalate"} and not action.note.strip():
        raise Invalid.one("note", _("Give a reason."))
    return changes


def _merge_target(actor: Any, case: Case, into_id: int | None) -> int:
    target = Case.objects.filter(pk=into_id).first() if into_id else None
    if target is None or target.pk == case.pk or target.category_id != case.category_id or not target.is_open:
        raise Invalid.one("into_id", _("Merge into an open case of the same category."))
    if actor is not None and not Case.objects.restrict(actor, "change").filter(pk=target.pk).exists():
        raise Invalid.one("into_id", _("That case is outside your grids."))
    return target.pk


def _event_data(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in changes.items() if isinstance(v, int | str) and not k.endswith("_at")}


def _tell(case: Case, action: str) -> None:
    if action == "dispatch":
        timeline.tell_holder(case, "dispatched")
    elif action == "rework":
        timeline.tell_holder(case, "returned")
    elif action == "close":
        # Every reporter of this case and of the cases merged into it hears the outcome.
        message = _("Case %(number)s is closed: %(title)s") % {"number": case.number, "title": case.title}
        accounts = [
            r.account_id for c in [case, *case.merged_cases.all()] for r in c.reporters.all() if r.account_id
        ]
        notify.notify(accounts, case, "closed", message)


@transaction.atomic
def tick_item(actor: Any, item_id: int, done: bool) -> CaseItem:
    item = CaseItem.objects.restrict(actor, "change").select_related("case").filter(pk=item_id).first()
    if item is None:
        raise NotInScope(_("This case is outside your grids."))
    if item.case.state not in {State.IN_PROGRESS, State.DISPATCHED, State.RETURNED}:
        raise ApiError(409, "invalid_transition", _("Items are ticked off while the case is being handled."))
    item.done, item.done_at = done, timezone.now() if done else None
    item.save()
    return item
