"""What the case pages share: scoped look-ups, deadlines for display, error rendering, QR codes.

Every query starts from `restrict()`: a page never shows a case its user could not read in the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.cases.models import Case
from gridgov.cases.models.case import OPEN_STATES, State
from gridgov.cases.services.escalation import STAGES
from gridgov.core.errors import NotInScope

try:  # the QR code is a nicety: without segno the link is still shown as text
    import segno
except ImportError:  # pragma: no cover - segno is a declared dependency
    segno = None  # type: ignore[assignment]

# Bootstrap colour of each state's badge: open states blue-ish, done green, dead ends grey.
STATE_TONES: dict[str, str] = {
    State.REPORTED: "reported",
    State.ACCEPTED: "accepted",
    State.DISPATCHED: "dispatched",
    State.IN_PROGRESS: "progress",
    State.RESOLVED: "resolved",
    State.VERIFIED: "resolved",
    State.CLOSED: "closed",
    State.RETURNED: "returned",
    State.ESCALATED: "escalated",
    State.MERGED: "ended",
    State.CANCELLED: "ended",
}


def me(request: HttpRequest) -> User:
    """The signed-in account (the views that call this are behind login_required)."""
    return cast(User, request.user)


def cases_for(user: Any, action: str = "view") -> QuerySet[Case]:
    return Case.objects.restrict(user, action).select_related("category", "grid", "assignee")


def case_or_404(user: Any, pk: int, action: str = "view") -> Case:
    case = (
        cases_for(user, action)
        .select_related("category__parent", "village", "police_zone", "department", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise NotInScope(_("This case is outside your grids."))
    return case


def inbox_base(user: Any) -> QuerySet[Case]:
    """The cases a role's inbox lists: its scope, narrowed to what that role actually handles.

    An officer's zone covers whole grids, but "小事不出格": the grid's own small matters are not the
    police's business, so his inbox lists police matters and what is assigned to him. A department
    officer's scope is a sub-district; his inbox lists his departments' cases.
    """
    qs = cases_for(user)
    role = getattr(user, "role", "")
    if role == Role.OFFICER:
        qs = qs.filter(Q(police=True) | Q(assignee_id=user.pk))
    elif role == Role.DEPARTMENT:
        qs = qs.filter(Q(department__members=user) | Q(assignee_id=user.pk)).distinct()
    return qs


def overdue_q(now: dt.datetime) -> Q:
    # The same rule as the API's "overdue" box (gridgov.cases.api.cases.inbox).
    return Q(state__in=OPEN_STATES) & (Q(resolve_due__lt=now) | Q(accept_due__lt=now, state=State.REPORTED))


def scope_label(user: Any) -> str:
    role = getattr(user, "role", "")
    # The open cases of the place the role answers for: 本网格, 本警务区, 辖区.
    if role == Role.GRID_WORKER:
        return pgettext("inbox tab", "This grid")
    if role == Role.OFFICER:
        return pgettext("inbox tab", "This police zone")
    return pgettext("inbox tab", "Jurisdiction")


@dataclass(frozen=True)
class Due:
    at: dt.datetime
    overdue: bool
    text: str  # "3 hours left" / "2 hours overdue"
    stage: str

    @property
    def label(self) -> str:
        return stage_label(self.stage)


def due_of(case: Case, now: dt.datetime | None = None) -> Due | None:
    """The deadline the case is waiting on in its current state (accept, respond or resolve)."""
    now = now or timezone.now()
    for stage, (due_field, _minutes, states) in STAGES.items():
        if case.state in states:
            at: dt.datetime = getattr(case, due_field)
            if at < now:
                return Due(at, True, _("%(time)s overdue") % {"time": timesince(at, now, depth=1)}, stage)
            return Due(at, False, _("%(time)s left") % {"time": timesince(now, at, depth=1)}, stage)
    return None


def stage_label(stage: str) -> str:
    return {"accept": _("Accept by"), "respond": _("Respond by"), "resolve": _("Resolve by")}.get(stage, "")


def decorate(cases: list[Case], now: dt.datetime | None = None) -> list[Case]:
    """Give each case what its list card shows (the templates cannot compute deadlines)."""
    now = now or timezone.now()
    for case in cases:
        setattr(case, "due", due_of(case, now))  # noqa: B010 (not a model field)
        setattr(case, "tone", STATE_TONES.get(case.state, "ended"))  # noqa: B010
    return cases


def qr_svg(url: str, scale: int = 4) -> SafeString:
    """An inline SVG QR code of `url` (built here from our own URL, so it is safe markup)."""
    if segno is None:
        return mark_safe("")
    code = segno.make(url, error="m")
    return mark_safe(code.svg_inline(scale=scale, dark="#0a2c5a", light="#ffffff"))  # noqa: S308


def error_page(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    context = {"title": title, "detail": detail, "status": status}
    return render(request, "web/error.html", context, status=status)


def forbidden(request: HttpRequest, detail: str = "") -> HttpResponse:
    return error_page(request, 403, _("Not allowed"), detail or _("Your role may not do this."))


def no_store(response: HttpResponse) -> HttpResponse:
    """Pages with reporters' data are not kept by the browser's cache or a proxy."""
    response["Cache-Control"] = "no-store, private"
    return response


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def js_labels() -> dict[str, str]:
    """The words the case pages' scripts show, translated on the server (as gridgov.web.labels)."""
    return {
        "tooBig": _("{name} is larger than 10 MB."),
        "badType": _("{name} is not a JPEG, PNG, WebP photo or a PDF."),
        "tooMany": _("At most {n} files."),
        "tickFailed": _("The item could not be saved. Check the connection and try again."),
        "locating": _("Finding your location…"),
        "located": _("Location found."),
        "noLocation": _("Your location could not be found. Tap the map or describe the place."),
        "outside": _("This point is outside your grids."),
        "picked": _("Place chosen on the map."),
        "noPlaces": _("No building or household matches."),
        "loadFailed": _("The map data could not be loaded. Check the connection and reload the page."),
        "sessionEnded": _("Your session has ended. Log in again."),
        "copied": _("Link copied."),
    }
