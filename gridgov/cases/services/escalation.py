"""Deadlines and escalation: an overdue case moves one level up, exactly once per missed deadline.

Each escalation is a row keyed by (case, stage, level), inserted in the same transaction as the
case's change: a worker killed mid-run rolls back whole, and a second run finds the key taken.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.models import Case, Escalation
from gridgov.cases.models.case import Level, State
from gridgov.cases.services import timeline
from gridgov.cases.services.routing import holder

# Which deadline a case in each state is waiting on, and the category field that resets it.
STAGES: dict[str, tuple[str, str, set[str]]] = {
    "accept": ("accept_due", "accept_minutes", {State.REPORTED, State.ESCALATED}),
    "respond": ("respond_due", "respond_minutes", {State.ACCEPTED}),
    "resolve": ("resolve_due", "resolve_hours", {State.DISPATCHED, State.IN_PROGRESS, State.RETURNED}),
}


def overdue(now: dt.datetime | None = None) -> Any:
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for due_field, _minutes, states in STAGES.values():
        condition |= Q(state__in=states, **{f"{due_field}__lt": now})
    return Case.objects.filter(condition, level__lt=Level.COMMAND, deferred=False)


def _stage(case: Case, now: dt.datetime) -> str | None:
    for stage, (due_field, _minutes, states) in STAGES.items():
        if case.state in states and getattr(case, due_field) < now:
            return stage
    return None


def _allowance(case: Case, minutes_field: str) -> dt.timedelta:
    amount = getattr(case.category, minutes_field)
    return dt.timedelta(hours=amount) if minutes_field.endswith("hours") else dt.timedelta(minutes=amount)


def _fresh_deadlines(case: Case, now: dt.datetime) -> dict[str, dt.datetime]:
    """The new holder gets each stage's full allowance for the deadlines already missed. The case's
    promised `deadline` does not move: the figures judge "on time" against it."""
    fresh = {}
    for due_field, minutes_field, _states in STAGES.values():
        if getattr(case, due_field) < now:
            fresh[due_field] = now + _allowance(case, minutes_field)
    return fresh


def escalate_one(case_id: int, now: dt.datetime | None = None) -> bool:
    """Escalate one overdue case one level; False if it no longer needs it or already was."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("grid__village", "category", "department")
                .get(pk=case_id)
            )
            stage = _stage(case, now)
            if stage is None or case.level >= Level.COMMAND:
                return False
            to_level = case.level + 1
            Escalation.objects.create(case=case, stage=stage, to_level=to_level, at=now)
            new_holder = holder(case.grid, case.handler, to_level, case.department)
            updated = Case.objects.filter(pk=case.pk, version=case.version).update(
                state=State.ESCALATED,
                level=to_level,
                assignee=new_holder,
                version=F("version") + 1,
                **_fresh_deadlines(case, now),
            )
            if updated != 1:
                raise IntegrityError("case changed while escalating")
            timeline.record(
                case,
                None,
                "escalate",
                case.state,
                State.ESCALATED,
                _("Deadline missed (%(stage)s): escalated to %(level)s.")
                % {"stage": stage, "level": Level(to_level).label},
                {"stage": stage, "to_level": to_level, "assignee": new_holder.pk if new_holder else None},
            )
            case.refresh_from_db()
            timeline.tell_holder(case, "escalated")
    except IntegrityError:
        return False
    return True


def escalate_overdue(now: dt.datetime | None = None, limit: int = 500) -> int:
    """The worker's job: every overdue case one level up."""
    done = 0
    for case_id in overdue(now).values_list("pk", flat=True)[:limit]:
        done += escalate_one(case_id, now)
    return done
