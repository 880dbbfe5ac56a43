"""Village consultations (恳谈): the list, a new proposal, and the page where it is discussed, decided
with a funding plan that adds up, and carried out to completion."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import ApiError, Invalid, NotInScope
from gridgov.mediation import forms
from gridgov.mediation.models import Consultation, FundingShare
from gridgov.mediation.services import consultations as service
from gridgov.mediation.views import common

# The funding plan form opens with the four sources of 吴山村's greenway; "other" can be added.
PLAN_SOURCES = ("residents", "village", "enterprise", "subsidy")
STEPS = (
    ("proposed", ("proposed", "discussing", "decided", "in_progress", "completed", "rejected")),
    ("discussing", ("discussing", "decided", "in_progress", "completed", "rejected")),
    ("decided", ("decided", "in_progress", "completed", "rejected")),
    ("in_progress", ("in_progress", "completed")),
    ("completed", ("completed",)),
)


@login_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    items = Consultation.objects.restrict(request.user, "view").select_related("village")
    context = {
        "items": items[:200],
        "can_propose": request.user.has_perm("mediation.add_consultation")
        and bool(common.village_choices(request.user)),
    }
    return common.page(request, "mediation/consultation_list.html", context)


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    villages = common.village_choices(request.user)
    if not villages or not request.user.has_perm("mediation.add_consultation"):
        raise NotInScope
    if request.method == "POST":
        form = forms.ProposeForm(request.POST, villages=villages)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = service.propose(
                    request.user,
                    data["village"],
                    data["title"],
                    data["proposal"],
                    data["proposed_by"],
                    data["proposed_on"],
                )
            except Invalid as error:
                common.apply_errors(form, error)
            else:
                messages.success(
                    request, _("The proposal is recorded. Hold a meeting with the villagers next.")
                )
                return redirect("mediation:consultation", pk=item.pk)
        return common.page(request, "mediation/consultation_new.html", {"form": form}, status=400)
    form = forms.ProposeForm(villages=villages, initial={"proposed_on": timezone.localdate()})
    return common.page(request, "mediation/consultation_new.html", {"form": form})


def money(amount: Decimal | None) -> str:
    """200,000.00: grouped by thousands in every language, as finance offices write amounts."""
    return f"{amount:,.2f}" if amount is not None else ""


def _plan_rows() -> list[dict[str, str]]:
    return [{"source": s, "contributor": "", "amount": ""} for s in PLAN_SOURCES]


def _context(request: HttpRequest, item: Consultation, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    v = item.version
    shares = list(item.shares.all())
    labels = dict(FundingShare.Source.choices)
    chart = [{"name": str(labels[s.source]), "value": s.amount, "source": s.source} for s in shares]
    whole = item.total or sum((s.amount for s in shares), Decimal(0)) or Decimal(1)
    plan = [
        {
            "source": s.source,
            "label": labels[s.source],
            "contributor": s.contributor,
            "amount": money(s.amount),
            "pct": (s.amount * 100 / whole).quantize(Decimal("0.1")),
        }
        for s in shares
    ]
    may_change = Consultation.objects.restrict(request.user, "change").filter(pk=item.pk).exists()
    reached = dict(STEPS)
    context: dict[str, Any] = {
        "item": item,
        "meetings": list(item.meetings.all()),
        "shares": shares,
        "plan": plan,
        "total": money(item.total),
        "chart": chart,  # json_script encodes it (Decimals as strings, which the script reads as numbers)
        "reports": list(item.reports.order_by("-on", "-pk")),
        "steps": [(name, item.status in reached[name]) for name, _states in STEPS],
        "may_change": may_change,
        "meeting_form": forms.MeetingForm(initial={"version": v, "held_on": today}),
        "decide_form": forms.DecideForm(initial={"version": v, "decided_on": today}),
        "progress_form": forms.ProgressForm(initial={"version": v, "on": today, "percent": item.progress}),
        "plan_rows": _plan_rows(),
        "plan_error": [],
        "sources": FundingShare.Source.choices,
        "open_form": "",
        "action_error": "",
    }
    context.update(extra)
    return context


@login_required
def consultation_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = service.consultation_for(request.user, pk, "view")
    return common.page(request, "mediation/consultation_detail.html", _context(request, item))


def _refused(request: HttpRequest, item: Consultation, name: str, status: int, **extra: Any) -> HttpResponse:
    context = _context(request, item, open_form=name, **extra)
    return common.page(request, "mediation/consultation_detail.html", context, status=status)


@login_required
@require_POST
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    item = service.consultation_for(request.user, pk, "view")
    form = forms.MeetingForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            service.hold_meeting(
                request.user,
                pk,
                d["version"],
                d["held_on"],
                d["place"],
                d["attendance"],
                d["attendees"],
                d["minutes"],
            )
        except Invalid as error:
            common.apply_errors(form, error)
        except ApiError as error:
            return _refused(
                request, item, "meeting", error.status, meeting_form=form, action_error=common.refusal(error)
            )
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("mediation:consultation", pk=pk)
    return _refused(request, item, "meeting", 400, meeting_form=form)


def _posted_plan(request: HttpRequest) -> list[dict[str, str]]:
    names = ("source", "contributor", "amount")
    columns = [request.POST.getlist(f"share_{n}") for n in names]
    rows = [dict(zip(names, values, strict=False)) for values in zip(*columns, strict=False)]
    return [r for r in rows if r["amount"].strip() or r["contributor"].strip()]


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = service.consultation_for(request.user, pk, "view")
    form = forms.DecideForm(request.POST)
    rows = _posted_plan(request)
    rest: dict[str, list[str]] = {}
    if form.is_valid():
        d = form.cleaned_data
        try:
            service.decide(
                request.user,
                pk,
                d["version"],
                adopted=d["adopted"],
                decision=d["decision"],
                decided_on=d["decided_on"],
                total=d["total"],
                shares=[
                    service.ShareInput(r["source"], r["amount"].replace(",", ""), r["contributor"])
                    for r in rows
                ],
            )
        except Invalid as error:
            rest = common.apply_errors(form, error, prefixes=("shares",))
        except ApiError as error:
            return _refused(
                request, item, "decide", error.status, decide_form=form, action_error=common.refusal(error)
            )
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("mediation:consultation", pk=pk)
    errors = common.row_errors(rest, "shares", len(rows))
    posted = [{**row, "errors": e} for row, e in zip(rows, errors, strict=True)]
    return _refused(
        request,
        item,
        "decide",
        400,
        decide_form=form,
        plan_rows=posted or _plan_rows(),
        plan_error=rest.get("shares", []),
    )


@login_required
@require_POST
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    item = service.consultation_for(request.user, pk, "view")
    form = forms.ProgressForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            service.report_progress(request.user, pk, d["version"], d["on"], d["percent"], d["note"])
        except Invalid as error:
            common.apply_errors(form, error)
        except ApiError as error:
            return _refused(
                request,
                item,
                "progress",
                error.status,
                progress_form=form,
                action_error=common.refusal(error),
            )
        else:
            messages.success(request, _("Progress is recorded."))
            return redirect("mediation:consultation", pk=pk)
    return _refused(request, item, "progress", 400, progress_form=form)
