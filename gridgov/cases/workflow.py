"""The one state machine of a case: which action moves it from which states to which, and who may.

reported → accepted → dispatched → in progress → resolved → verified → closed, with rework (返工),
escalation, merging and cancelling. Nothing else changes a case's state.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.cases.models.case import State

SYSTEM = "system"  # the worker and the resident's rating link act as the system
HANDLERS = frozenset({Role.GRID_WORKER, Role.OFFICER, Role.DEPARTMENT})
SUPERVISORS = frozenset({Role.GRID_LEADER, Role.OPERATOR})


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    # Only the case's assignee among the handler roles; supervisors may always act.
    assignee_only: bool = False
    # Taken only by another service (mediation), never offered as a button on a case.
    internal: bool = False


def _t(
    name: str,
    label: Promise,
    sources: set[str],
    target: str,
    roles: set[str],
    assignee_only: bool = False,
    internal: bool = False,
) -> Transition:
    return Transition(name, label, frozenset(sources), target, frozenset(roles), assignee_only, internal)


OPEN_FOR_ESCALATION: set[str] = {
    State.REPORTED,
    State.ACCEPTED,
    State.DISPATCHED,
    State.IN_PROGRESS,
    State.RETURNED,
}

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t(
            "accept",
            _("accept"),
            {State.REPORTED, State.ESCALATED},
            State.ACCEPTED,
            {*HANDLERS, *SUPERVISORS},
        ),
        _t("dispatch", _("dispatch"), {State.ACCEPTED}, State.DISPATCHED, {*HANDLERS, *SUPERVISORS}),
        _t(
            "start",
            _("start handling"),
            {State.DISPATCHED, State.RETURNED},
            State.IN_PROGRESS,
            {*HANDLERS, *SUPERVISORS},
            assignee_only=True,
        ),
        _t(
            "resolve",
            _("resolve"),
            {State.IN_PROGRESS},
            State.RESOLVED,
            {*HANDLERS, *SUPERVISORS},
            assignee_only=True,
        ),
        _t("verify", _("verify"), {State.RESOLVED}, State.VERIFIED, {*SUPERVISORS, Role.CADRE, SYSTEM}),
        _t("close", _("close"), {State.VERIFIED}, State.CLOSED, {Role.OPERATOR, SYSTEM}),
        _t(
            "rework",
            _("return for rework"),
            {State.RESOLVED, State.VERIFIED},
            State.RETURNED,
            {*SUPERVISORS, Role.CADRE, SYSTEM},
        ),
        _t(
            "escalate", _("escalate"), OPEN_FOR_ESCALATION, State.ESCALATED, {*HANDLERS, *SUPERVISORS, SYSTEM}
        ),
        # A dispute's mediation ended (resolved, agreement or referral): its case is resolved, then
        # verified and closed as any other.
        _t(
            "conclude",
            _("conclude the mediation"),
            OPEN_FOR_ESCALATION | {State.ESCALATED},
            State.RESOLVED,
            {*HANDLERS, *SUPERVISORS, Role.CADRE, Role.MEDIATOR, Role.LEADER},
            internal=True,
        ),
        _t(
            "merge",
            _("merge into another case"),
            {State.REPORTED, State.ACCEPTED, State.ESCALATED},
            State.MERGED,
            {*HANDLERS, *SUPERVISORS},
        ),
        _t(
            "cancel",
            _("cancel"),
            {State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.ESCALATED},
            State.CANCELLED,
            {Role.OPERATOR},
        ),
    ]
}


def allowed(transition: Transition, state: str, role: str, is_assignee: bool) -> bool:
    if state not in transition.sources or role not in transition.roles:
        return False
    return not transition.assignee_only or is_assignee or role in SUPERVISORS


def available(state: str, role: str, is_assignee: bool) -> list[Transition]:
    """The actions a person may take on a case now: the buttons on its page."""
    return [t for t in TRANSITIONS.values() if not t.internal and allowed(t, state, role, is_assignee)]
