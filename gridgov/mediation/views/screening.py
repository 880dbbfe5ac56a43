"""Screening (摸排) on a phone: record a clue and see at once whether it raises an early warning, or
open a dispute with parties from the registry or from outside it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import Invalid
from gridgov.mediation import forms
from gridgov.mediation.api.place import place_in_scope
from gridgov.mediation.models import Clue, Dispute, Party
from gridgov.mediation.services import clues, disputes
from gridgov.mediation.views import common
from gridgov.people.services.search import search

WARNING = "mediation.warning"  # the early warning, carried over the redirect after a clue
PARTY_FIELDS = ("kind", "resident", "label", "name", "phone", "address")


def _parties_posted(request: HttpRequest) -> list[dict[str, str]]:
    columns = [request.POST.getlist(f"party_{name}") for name in PARTY_FIELDS]
    rows = [dict(zip(PARTY_FIELDS, values, strict=False)) for values in zip(*columns, strict=False)]
    return [r for r in rows if r.get("resident") or r.get("name", "").strip()]


def _party_inputs(rows: list[dict[str, str]]) -> list[disputes.PartyInput]:
    return [
        disputes.PartyInput(
            name=r.get("name", ""),
            resident_id=int(r["resident"]) if r.get("resident", "").isdigit() else None,
            kind=r.get("kind") or Party.Kind.PERSON,
            phone=r.get("phone", ""),
            address=r.get("address", ""),
        )
        for r in rows
    ]


def _context(request: HttpRequest, tab: str, **extra: Any) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    grids = common.grid_choices(user)
    first = grids[0][0] if grids else ""
    context: dict[str, Any] = {
        "tab": tab,
        "grids": grids,
        "clue_form": forms.ClueForm(grids=grids, initial={"found_on": today, "grid": first}),
        "dispute_form": forms.DisputeForm(
            grids=grids,
            initial={"happened_on": today, "grid": first, "kind": "neighbours", "risk": "yellow"},
        ),
        "party_rows": [{}, {}],
        "parties_error": [],
        "warning": request.session.pop(WARNING, None),
        "recent": Clue.objects.restrict(user, "view").filter(finder_id=user.pk).select_related("grid")[:5],
        "kinds": Party.Kind.choices,
        "risks": common.risk_levels(),
    }
    context.update(extra)
    return context


@login_required
def screening(request: HttpRequest) -> HttpResponse:
    tab = "dispute" if request.GET.get("tab") == "dispute" else "clue"
    return common.page(request, "mediation/screening.html", _context(request, tab))


@login_required
@require_POST
def record_clue(request: HttpRequest) -> HttpResponse:
    grids = common.grid_choices(request.user)
    form = forms.ClueForm(request.POST, grids=grids)
    people = [int(v) for v in request.POST.getlist("resident_ids") if v.isdigit()]
    if form.is_valid():
        data = form.cleaned_data
        try:
            _clue, warning = clues.record_clue(
                request.user,
                clues.ClueInput(
                    grid_code=data["grid"],
                    kind=data["kind"],
                    source=data["source"],
                    found_on=data["found_on"],
                    description=data["description"],
                    address=data["address"],
                    resident_ids=people,
                ),
            )
        except Invalid as error:
            common.apply_errors(form, error)
        else:
            messages.success(request, _("The clue is recorded."))
            if warning is not None:
                raised = Dispute.objects.restrict(request.user, "view").filter(pk__in=warning.raised)
                request.session[WARNING] = {
                    "reason": warning.reason,
                    "disputes": [{"id": d.pk, "title": d.case.title, "risk": d.risk.name} for d in raised],
                }
            return redirect(reverse("mediation:screening") + "#warning")
    chosen = request.POST.getlist("resident_labels")
    picked = [{"id": i, "label": label} for i, label in zip(people, chosen, strict=False)]
    context = _context(request, "clue", clue_form=form, picked=picked)
    return common.page(request, "mediation/screening.html", context, status=400)


@login_required
@require_POST
def open_dispute(request: HttpRequest) -> HttpResponse:
    grids = common.grid_choices(request.user)
    form = forms.DisputeForm(request.POST, grids=grids)
    rows = _parties_posted(request)
    rest: dict[str, list[str]] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            place = place_in_scope(request.user, grid_code=data["grid"], lng=data["lng"], lat=data["lat"])
            dispute = disputes.open_dispute(
                request.user,
                disputes.DisputeInput(
                    title=data["title"],
                    kind=data["kind"],
                    matter=data["matter"],
                    happened_on=data["happened_on"],
                    risk=data["risk"],
                    lng=place.lng,
                    lat=place.lat,
                    violence_risk=data["violence_risk"],
                    parties=_party_inputs(rows),
                ),
            )
        except Invalid as error:
            rest = common.apply_errors(form, error, prefixes=("parties",))
        else:
            messages.success(request, _("The dispute is opened; mediation starts at tier 1 in the grid."))
            if dispute.police_referrals.exists():
                messages.warning(
                    request,
                    _("Referred to the police zone's officer at once (People's Mediation Law art. 25)."),
                )
            return redirect(reverse("mediation:dispute", args=[dispute.pk]) + "?new=1")
    context = _context(
        request,
        "dispute",
        dispute_form=form,
        party_rows=[
            {**row, "errors": errors}
            for row, errors in zip(
                rows + [{}] * max(0, 2 - len(rows)),
                common.row_errors(rest, "parties", max(2, len(rows))),
                strict=True,
            )
        ],
        parties_error=rest.get("parties", []),
    )
    return common.page(request, "mediation/screening.html", context, status=400)


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """Residents from the registry for the pickers: masked values only, within the reader's scope."""
    q = request.GET.get("q", "").strip()[:60]
    found = list(search(request.user, q, limit=8, present_only=True)) if len(q) >= 1 else []
    return common.page(request, "mediation/_people.html", {"found": found, "q": q})
