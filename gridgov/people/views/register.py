"""Registering a resident into a household, and checking each field on the server as it is typed.

`register_resident` is the authority: the form only parses. Its errors, and those of `clean_resident`
on the fields filled so far, are shown next to the field they concern; nothing is stored until all
of them are right (the service runs in one transaction).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import Invalid
from gridgov.people.forms import EditResidentForm, RegisterForm, ResidentForm
from gridgov.people.identity import IdentityError, normalize_phone, validate_document
from gridgov.people.models import Household, Resident
from gridgov.people.services import residents as service
from gridgov.people.services import sealing
from gridgov.people.services.validation import ResidentInput, clean_resident
from gridgov.people.views import common
from gridgov.people.views.common import registry_view
from gridgov.people.views.labels import form_labels

# A first registration usually runs a year; the worker changes it when the lease says otherwise.
DEFAULT_REGISTRATION_DAYS = 365


def resident_input(data: dict[str, Any]) -> ResidentInput:
    return ResidentInput(
        name=data.get("name") or "",
        document_number=data.get("document_number") or "",
        document_type=data.get("document_type") or "resident_id",
        gender=data.get("gender") or "",
        birth_date=data.get("birth_date"),
        phone=data.get("phone") or "",
        relation=data.get("relation") or Resident.Relation.HEAD,
        kind=data.get("kind") or Resident.Kind.REGISTERED,
        workplace=data.get("workplace") or "",
    )


def registration_input(data: dict[str, Any]) -> service.RegistrationInput | None:
    if data.get("kind") != Resident.Kind.FLOATING or not data.get("start") or not data.get("expected_end"):
        return None
    return service.RegistrationInput(
        start=data["start"],
        expected_end=data["expected_end"],
        landlord_name=data.get("landlord_name") or "",
        landlord_phone=data.get("landlord_phone") or "",
        reason=data.get("reason") or "work",
    )


def add_partial_errors(form: ResidentForm, *, editing: Resident | None = None) -> None:
    """What the services would say about the fields parsed so far, on fields with no error yet.

    The same checks as at saving (clean_resident, the duplicate-document lookup, the phone check), run
    early so a worker learns about a typing error in the ID number while still at that field.
    """
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    problems: dict[str, list[str]] = {}
    try:
        clean_resident(resident_input(data))
    except Invalid as error:
        problems = error.fields
    number, doc_type = data.get("document_number"), data.get("document_type")
    if number and doc_type and "document_number" not in problems:
        with contextlib.suppress(IdentityError):
            other = service.find_by_document(doc_type, validate_document(doc_type, number).normalized)
            if other is not None and (editing is None or other.pk != editing.pk):
                problems["document_number"] = [_("Someone with this document is already registered.")]
    if data.get("landlord_phone"):
        try:
            normalize_phone(data["landlord_phone"])
        except IdentityError as error:
            problems["landlord_phone"] = [error.message]
    for name, messages_ in problems.items():
        if name in form.fields and name not in form.errors and form[name].value() not in (None, ""):
            for message in messages_:
                form.add_error(name, message)


def fill_kept_numbers(form: EditResidentForm, resident: Resident) -> None:
    """On the edit form an empty number means "keep it": read the stored one, never shown to anyone."""
    data = form.cleaned_data
    if not data.get("document_number"):
        if data.get("document_type") and data["document_type"] != resident.document_type:
            form.add_error("document_number", _("Type the number of the new document."))
        else:
            data["document_number"] = sealing.open_document(resident)
    if not data.get("phone") and not data.get("remove_phone"):
        data["phone"] = sealing.open_phone(resident)


def _live_url(editing: Resident | None = None) -> str:
    url = reverse("people:validate_resident")
    return f"{url}?resident={editing.pk}" if editing else url


@registry_view("people.add_resident")
def register(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(
        common.household_queryset(request.user).filter(
            pk__in=Household.objects.restrict(request.user, "change")
        ),
        pk=pk,
    )
    status = 200
    if request.method == "POST":
        form = RegisterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = service.register_resident(
                    request.user,
                    household.pk,
                    resident_input(data),
                    moved_in=data["moved_in"],
                    registration=registration_input(data),
                )
            except Invalid as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("%(name)s has been registered.") % {"name": created.name})
                return redirect("people:resident", created.pk)
        else:
            add_partial_errors(form)
        status = 400
    else:
        today = common.today()
        form = RegisterForm(
            initial={
                "moved_in": today,
                "start": today,
                "expected_end": today + dt.timedelta(days=DEFAULT_REGISTRATION_DAYS),
                "relation": Resident.Relation.HEAD
                if not household.residents.exists()
                else Resident.Relation.OTHER,
            }
        )
    form.live(_live_url())
    context = {
        "form": form,
        "household": household,
        "crumbs": [*common.crumbs_household(household), (_("Register a resident"), request.path)],
        "title": _("Register a resident"),
        "cancel_url": reverse("people:household", args=[household.pk]),
        "labels": form_labels(),
    }
    return common.no_store(render(request, "people/forms/resident.html", context, status=status))


@require_POST
@registry_view("people.add_resident")
def validate(request: HttpRequest) -> HttpResponse:
    """One field's check for htmx: the field's block with its errors, to swap in place."""
    name = request.headers.get("HX-Trigger-Name", "")
    editing = None
    if request.GET.get("resident", "").isdigit():
        editing = service.resident_for(request.user, int(request.GET["resident"]))
    form: ResidentForm = EditResidentForm(request.POST) if editing else RegisterForm(request.POST)
    if name not in form.fields:
        return HttpResponseBadRequest()
    if form.is_valid() and isinstance(form, EditResidentForm) and editing is not None:
        fill_kept_numbers(form, editing)
    add_partial_errors(form, editing=editing)
    form.live(_live_url(editing))
    response = render(request, "people/forms/_field.html", {"field": form[name]})
    return common.no_store(response)
