"""The inbox: my open cases, my grid's (zone's, area's), the overdue ones, and all of them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gridgov.cases.models.case import OPEN_STATES
from gridgov.cases.views import common
from gridgov.geo.models import Grid

PER_PAGE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("cases.view_case"):
        return common.forbidden(request)
    now = timezone.now()
    base = common.inbox_base(request.user)
    boxes = {
        "mine": base.filter(assignee_id=request.user.pk, state__in=OPEN_STATES),
        "scope": base.filter(state__in=OPEN_STATES),
        "overdue": base.filter(common.overdue_q(now)),
        "all": base,
    }
    labels = {
        "mine": pgettext("inbox tab", "My to-do"),
        "scope": common.scope_label(request.user),
        "overdue": pgettext("inbox tab", "Overdue"),
        "all": pgettext("inbox tab", "All"),
    }
    box = request.GET.get("box", "mine")
    if box not in boxes:
        box = "mine"
    tabs = [
        {"key": key, "label": labels[key], "count": qs.count() if key != "all" else None}
        for key, qs in boxes.items()
    ]
    page = Paginator(boxes[box], PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "tabs": tabs,
        "box": box,
        "page": page,
        "cases": common.decorate(list(page.object_list), now),
        "can_add": request.user.has_perm("cases.add_case"),
        "has_card": Grid.objects.filter(workers=common.me(request)).exists(),
        "empty_text": {
            "mine": _("Nothing waiting for you. Well done."),
            "scope": _("No open cases here."),
            "overdue": _("No case is overdue."),
            "all": _("No cases yet."),
        }[box],
    }
    return common.no_store(render(request, "cases/inbox.html", context))
