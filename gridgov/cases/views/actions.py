"""Acting on a case from its page: a transition, ticking an item off, a rating link for the resident.

Plain form posts: the page works without JavaScript, and a refusal re-renders the page with the
reason next to the form it came from (a stale version: "someone else changed this case — reload").
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.cases import workflow
from gridgov.cases.forms import ActionForm
from gridgov.cases.models import Case
from gridgov.cases.models.case import State
from gridgov.cases.services import rating, transitions
from gridgov.cases.views import common
from gridgov.cases.views.detail import SESSION_LINKS, page_context
from gridgov.core.errors import ApiError, Invalid, error_response


def _remember_link(request: HttpRequest, case: Case) -> None:
    """A fresh one-time rating link, kept in the worker's session so the page can show it again."""
    token = rating.issue_link(request.user, case.pk)
    links = dict(request.session.get(SESSION_LINKS, {}))
    links[str(case.pk)] = request.build_absolute_uri(reverse("cases:rate", args=[token]))
    request.session[SESSION_LINKS] = dict(list(links.items())[-20:])  # a few recent cases are enough


def _refused(
    request: HttpRequest, case: Case, name: str, status: int, message: str, **extra: object
) -> HttpResponse:
    context = page_context(
        request, case, open_action=name, action_error=message, note=request.POST.get("note", ""), **extra
    )
    return common.no_store(render(request, "cases/detail.html", context, status=status))


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    case = common.case_or_404(request.user, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, case, request.POST.get("action", ""), 400, _("Some values are missing or invalid.")
        )
    data = form.cleaned_data
    action = transitions.Action(
        name=data["action"],
        version=data["version"],
        note=data["note"] or "",
        photos=request.FILES.getlist("photos"),
        assignee_id=data["assignee_id"],
        into_id=data["into_id"],
    )
    try:
        case = transitions.act(request.user, case.pk, action)
    except Invalid as error:
        message = " ".join(m for ms in error.fields.values() for m in ms) or error.message
        return _refused(request, case, action.name, 400, message)
    except ApiError as error:
        conflict = error.code == "conflict"
        message = (
            _("Someone else changed this case just now — reload it to see what changed.")
            if conflict
            else error.message
        )
        return _refused(request, case, action.name, error.status, message, conflict=conflict)
    transition = workflow.TRANSITIONS[action.name]
    messages.success(
        request,
        _("Done: %(action)s. The case is now %(state)s.")
        % {"action": transition.label, "state": case.get_state_display()},
    )
    if case.state == State.RESOLVED and case.category.rating_asked:
        _remember_link(request, case)
    if case.state == State.MERGED and case.merged_into_id:
        return redirect("cases:detail", pk=case.merged_into_id)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def tick(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """Tick an item off (or back on). Scripts get JSON; a plain form post comes back to the page."""
    case = common.case_or_404(request.user, pk)
    if not case.items.filter(pk=item_id).exists():
        return error_response(404, "not_found", _("Not found."))
    done = request.POST.get("done", "1") in {"1", "true", "on"}
    try:
        item = transitions.tick_item(request.user, item_id, done)
    except ApiError as error:
        if common.wants_json(request):
            return error_response(error.status, error.code, error.message)
        messages.error(request, error.message)
        return redirect("cases:detail", pk=case.pk)
    if common.wants_json(request):
        counts = case.items.values_list("done", flat=True)
        return JsonResponse({"id": item.pk, "done": item.done, "ticked": sum(counts), "total": len(counts)})
    return redirect(f"{reverse('cases:detail', args=[case.pk])}#items")


@login_required
@require_POST
def rating_link(request: HttpRequest, pk: int) -> HttpResponse:
    case = common.case_or_404(request.user, pk, "change")
    try:
        _remember_link(request, case)
    except ApiError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A new rating link is ready; any earlier one no longer works."))
    return redirect(f"{reverse('cases:detail', args=[case.pk])}#rating")
