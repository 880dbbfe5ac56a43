"""A resident's card, masked; and the audited unmasking of its numbers, with a stated reason."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core.errors import Invalid
from gridgov.people.forms import UnmaskForm
from gridgov.people.identity import DocumentType
from gridgov.people.models import ResidenceRegistration, Resident, ResidentTag
from gridgov.people.services import privacy
from gridgov.people.services.residents import resident_for
from gridgov.people.views import common
from gridgov.people.views.common import registry_view


@dataclass(frozen=True)
class RegistrationView:
    record: ResidenceRegistration
    lapsed: bool
    days_over: int
    open: bool


@dataclass(frozen=True)
class TagView:
    link: ResidentTag
    active: bool


def load(user: Any, pk: int) -> Resident:
    """The resident if `user` may see them (404 otherwise), with what the card shows of their place."""
    found = resident_for(user, pk, "view")
    return (
        Resident.objects.select_related(
            "household__building__grid__village__sub_district",
            "household__unit",
            "grid__village__sub_district",
        )
        .prefetch_related("tag_links__tag")
        .get(pk=found.pk)
    )


def crumbs(resident: Resident) -> list[common.Crumb]:
    if resident.household is not None:
        base = common.crumbs_household(resident.household)
    elif resident.grid is not None:
        base = common.crumbs_grid(resident.grid)
    else:
        base = common.crumbs_root()
    return [*base, (resident.name, reverse("people:resident", args=[resident.pk]))]


def document_label(resident: Resident) -> str:
    known = resident.document_type in DocumentType.values
    return str(DocumentType(resident.document_type).label) if known else resident.document_type


def card_context(request: HttpRequest, resident: Resident, **extra: Any) -> dict[str, Any]:
    today = common.today()
    registrations = [
        RegistrationView(
            record=g,
            lapsed=g.ended_on is None and g.expected_end < today,
            days_over=(today - g.expected_end).days,
            open=g.ended_on is None,
        )
        for g in resident.registrations.select_related("registered_by").order_by("-start")
    ]
    tags = [
        TagView(link=t, active=t.start <= today and (t.end is None or t.end >= today))
        for t in sorted(resident.tag_links.all(), key=lambda t: t.start, reverse=True)
    ]
    user = request.user
    keeper = common.is_keeper(user) and resident.anonymised_at is None
    return {
        "resident": resident,
        "age": common.age(resident.birth_date, today),
        "document_type": document_label(resident),
        "crumbs": crumbs(resident),
        "registrations": registrations,
        "any_lapsed": any(r.lapsed for r in registrations),
        "tags": tags,
        "residences": resident.residences.select_related("household").order_by("-moved_in"),
        "keeper": keeper,
        "can_unmask": user.has_perm("people.unmask_resident"),
        "can_renew": keeper and resident.present and resident.kind == Resident.Kind.FLOATING,
        "unmask_form": UnmaskForm(),
        "today": today,
        **extra,
    }


@registry_view()
def resident(request: HttpRequest, pk: int) -> HttpResponse:
    found = load(request.user, pk)
    privacy.record_card_view(request.user, found)
    return common.no_store(render(request, "people/resident/card.html", card_context(request, found)))


@require_POST
@registry_view("people.unmask_resident")
def unmask(request: HttpRequest, pk: int) -> HttpResponse:
    """With htmx, answers with the numbers block only (swapped in place) and closes the dialog; without,
    with the whole card showing the numbers."""
    found = load(request.user, pk)
    form = UnmaskForm(request.POST)
    values: dict[str, str] | None = None
    if form.is_valid():
        try:
            values = privacy.unmask(request.user, found.pk, list(privacy.FIELDS), form.cleaned_data["reason"])
        except Invalid as error:
            for message in error.fields.get("reason", [error.message]):
                form.add_error("reason", message)
    htmx = request.headers.get("HX-Request") == "true"
    if values is None:
        if htmx:
            # 200, not 4xx: htmx swaps only successful answers, and the dialog must show the error.
            response = render(
                request, "people/resident/_unmask_form.html", {"resident": found, "unmask_form": form}
            )
        else:
            context = card_context(request, found, unmask_form=form, unmask_failed=True)
            response = render(request, "people/resident/card.html", context, status=400)
        return common.no_store(response)
    reason = form.cleaned_data["reason"].strip()
    if htmx:
        context = {
            "resident": found,
            "unmasked": values,
            "reason": reason,
            "can_unmask": True,
            "document_type": document_label(found),
            "unmask_form": UnmaskForm(),
        }
        response = render(request, "people/resident/_unmasked.html", context)
        response["HX-Trigger"] = json.dumps({"gg:unmasked": {"reason": reason}})
    else:
        context = card_context(request, found, unmasked=values, reason=reason)
        response = render(request, "people/resident/card.html", context)
    return common.no_store(response)
