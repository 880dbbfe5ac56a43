"""The case page: what, where, who holds it, items, timeline, and the actions the reader may take."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gridgov.accounts.models import ScopeKind, User
from gridgov.accounts.roles import Role
from gridgov.cases import workflow
from gridgov.cases.models import Case, CaseEvent
from gridgov.cases.models.case import OPEN_STATES, State
from gridgov.cases.services.attachments import MAX_BYTES, MAX_FILES
from gridgov.cases.services.duplicates import duplicates_of
from gridgov.cases.views import common
from gridgov.geo.coords import convert_geojson, from_wgs84, parse_crs

# Actions whose service refuses an empty note: the form marks the note as required.
NOTE_REQUIRED = frozenset({"resolve", "cancel", "rework", "escalate"})
# The buttons' look: the way forward is primary, a step back or aside is quiet, cancelling is red.
ACTION_STYLE = {
    "accept": "primary",
    "dispatch": "primary",
    "start": "primary",
    "resolve": "success",
    "verify": "success",
    "close": "success",
    "rework": "outline-warning",
    "escalate": "outline-secondary",
    "merge": "outline-secondary",
    "cancel": "outline-danger",
}
ITEM_STATES = frozenset({State.DISPATCHED, State.IN_PROGRESS, State.RETURNED})
SESSION_LINKS = "cases.rating_links"


def action_labels() -> dict[str, str]:
    labels = {name: str(t.label) for name, t in workflow.TRANSITIONS.items()}
    labels["report"] = _("reported")
    return labels


def minimap(case: Case) -> dict[str, Any]:
    """The small map's data: the case's grid and point, in the system the tiles use (if any)."""
    tile_url = settings.GRIDGOV_TILE_URL
    crs = parse_crs(settings.GRIDGOV_TILE_CRS) if tile_url else "wgs84"
    geometry = json.loads(case.grid.boundary)
    lng, lat = case.lng, case.lat
    if crs != "wgs84":
        geometry = convert_geojson(geometry, "wgs84", crs)
        lng, lat = from_wgs84(lng, lat, crs)
    return {
        "tileUrl": tile_url,
        "tileAttribution": settings.GRIDGOV_TILE_ATTRIBUTION,
        "grid": geometry,
        "gridName": case.grid.name,
        "point": [lng, lat],
    }


def handlers_for(case: Case) -> list[User]:
    """Who may be given the case: the people of its place who may act on it (dispatch's choice)."""
    grid = case.grid
    candidates = Q(grids_worked=grid) | Q(role=Role.OPERATOR, scope_kind=ScopeKind.ALL)
    if grid.leader_id:
        candidates |= Q(pk=grid.leader_id)
    if case.police_zone.officer_id:
        candidates |= Q(pk=case.police_zone.officer_id)
    if case.department_id:
        candidates |= Q(departments=case.department_id)
    candidates |= Q(
        role=Role.OPERATOR, scope_kind=ScopeKind.SUB_DISTRICT, scope_sub_district=case.village.sub_district_id
    )
    roles = {*workflow.HANDLERS, *workflow.SUPERVISORS}
    people = User.objects.filter(candidates, is_active=True, role__in=roles).distinct().order_by("role", "pk")
    # The service checks scope again on dispatch; here it keeps the list to people it would accept.
    return [u for u in people[:40] if Case.objects.restrict(u, "change").filter(pk=case.pk).exists()]


def merge_targets(user: Any, case: Case) -> list[Case]:
    """Open cases of the same category the reader may change: nearby duplicates first."""
    near = [c.pk for c in duplicates_of(case.category, case.lng, case.lat, case.reported_at)]
    qs = (
        common.cases_for(user, "change")
        .filter(category=case.category, state__in=OPEN_STATES)
        .filter(Q(pk__in=near) | Q(grid=case.grid))
        .exclude(pk=case.pk)
        .order_by("-reported_at")
    )
    return sorted(qs[:20], key=lambda c: c.pk not in near)  # stable: duplicates first, newest first


def duplicates(user: Any, case: Case) -> list[Case]:
    found = [c for c in duplicates_of(case.category, case.lng, case.lat, case.reported_at) if c.pk != case.pk]
    visible = set(common.cases_for(user).filter(pk__in=[c.pk for c in found]).values_list("pk", flat=True))
    return [c for c in found if c.pk in visible]


def timeline(case: Case) -> list[CaseEvent]:
    labels = action_labels()
    events = list(case.events.select_related("actor").prefetch_related("attachments"))
    for event in events:
        setattr(event, "label", labels.get(event.action, event.action))  # noqa: B010
        setattr(event, "to_label", State(event.to_state).label if event.to_state else "")  # noqa: B010
    return events


def page_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    user = request.user
    role = str(getattr(user, "role", ""))
    may_change = Case.objects.restrict(user, "change").filter(pk=case.pk).exists()
    available = workflow.available(case.state, role, case.assignee_id == user.pk) if may_change else []
    names = {t.name for t in available}
    actions = [
        {
            "name": t.name,
            "label": t.label,
            "style": ACTION_STYLE.get(t.name, "outline-primary"),
            "note_required": t.name in NOTE_REQUIRED,
        }
        for t in available
    ]
    links = request.session.get(SESSION_LINKS, {})
    rating_url = links.get(str(case.pk)) if case.state == State.RESOLVED else None
    common.decorate([case])
    items = list(case.items.all())
    context = {
        "case": case,
        "actions": actions,
        "items": items,
        "ticked": sum(1 for item in items if item.done),
        "items_editable": may_change and case.state in ITEM_STATES,
        "reporters": list(case.reporters.all()),
        "events": timeline(case),
        "handlers": handlers_for(case) if "dispatch" in names else [],
        "merge_targets": merge_targets(user, case) if "merge" in names else [],
        "duplicates": duplicates(user, case) if request.GET.get("new") and "merge" in names else [],
        "is_new": bool(request.GET.get("new")),
        "rating_box": may_change and case.state == State.RESOLVED and case.category.rating_asked,
        "rating_url": rating_url,
        "rating_qr": common.qr_svg(rating_url) if rating_url else "",
        "stars": range(1, 6),
        "minimap": minimap(case),
        "labels": common.js_labels(),
        "limits": {"maxBytes": MAX_BYTES, "maxFiles": MAX_FILES},
        "open_action": "",
        "action_error": "",
        "conflict": False,
        "note": "",
    }
    if context["duplicates"] and not extra.get("open_action"):
        context["open_action"] = "merge"  # just logged and a duplicate is near: offer the merge at once
    context.update(extra)
    return context


@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = common.case_or_404(request.user, pk)
    return common.no_store(render(request, "cases/detail.html", page_context(request, case)))
