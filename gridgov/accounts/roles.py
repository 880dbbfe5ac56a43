"""The roles of domain.md and what each may do to which kind of record.

The role says which actions are allowed on a kind of record; the account's scope on the map says on
which rows (gridgov.accounts.models.User.scope_q). Both are consulted by restrict().
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("grid worker")
    GRID_LEADER = "grid_leader", _("grid leader")
    OFFICER = "officer", _("community police officer")
    CADRE = "cadre", _("village or community cadre")
    DEPARTMENT = "department", _("department officer")
    MEDIATOR = "mediator", _("mediator")
    OPERATOR = "operator", _("command-centre operator")
    LEADER = "leader", _("sub-district leader")
    ADMIN = "admin", _("administrator")
    # Not a person: the police system, a camera platform. May only hand cases in.
    INTEGRATION = "integration", _("outside system")


VIEW = frozenset({"view"})
ALL = frozenset({"view", "add", "change", "delete"})

# app label → role → actions. A role missing from an app's table may do nothing there.
# Who keeps the registry: the grid's own people write it; others read it within their scope.
_REGISTRY_KEEPERS = {Role.GRID_WORKER, Role.GRID_LEADER, Role.CADRE}
_REGISTRY_READERS = {Role.OFFICER, Role.OPERATOR, Role.LEADER, Role.MEDIATOR}
# Seeing a full document number or phone (always with a stated reason, always audited).
_UNMASKERS = {Role.GRID_WORKER, Role.GRID_LEADER, Role.CADRE, Role.OFFICER, Role.OPERATOR}

PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    "geo": {role: VIEW for role in Role.values if role != Role.INTEGRATION} | {Role.ADMIN: ALL},
    "accounts": {Role.ADMIN: ALL, Role.OPERATOR: VIEW, Role.LEADER: VIEW},
    "core": {Role.ADMIN: VIEW, Role.LEADER: VIEW},
    "cases": {
        **{
            role: frozenset({"view", "add", "change"})
            for role in (Role.GRID_WORKER, Role.GRID_LEADER, Role.OFFICER, Role.OPERATOR, Role.CADRE)
        },
        Role.DEPARTMENT: frozenset({"view", "change"}),
        Role.INTEGRATION: frozenset({"add"}),
        # Mediators and leaders end the mediations of dispute cases (the internal conclude transition).
        Role.LEADER: frozenset({"view", "change"}),
        Role.MEDIATOR: frozenset({"view", "change"}),
        Role.ADMIN: ALL,
    },
    "mediation": {
        **{
            role: frozenset({"view", "add", "change"})
            for role in (
                Role.GRID_WORKER,
                Role.GRID_LEADER,
                Role.CADRE,
                Role.MEDIATOR,
                Role.OFFICER,
                Role.OPERATOR,
            )
        },
        Role.LEADER: frozenset({"view", "change"}),
        Role.DEPARTMENT: VIEW,
        Role.ADMIN: ALL,
    },
    "people": {
        **{
            role: frozenset({"view", "add", "change"}) | ({"unmask"} if role in _UNMASKERS else set())
            for role in _REGISTRY_KEEPERS
        },
        **{role: VIEW | ({"unmask"} if role in _UNMASKERS else set()) for role in _REGISTRY_READERS},
        Role.ADMIN: ALL,
    },
}

# Roles that use the back office (the Django admin).
STAFF_ROLES = frozenset({Role.ADMIN})


def allows(role: str, app_label: str, action: str) -> bool:
    return action in PERMISSIONS.get(app_label, {}).get(role, frozenset())
