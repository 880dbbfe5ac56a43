"""What a keeper does from a resident's card: edit, move out, tag (and end a tag), renew a registration.

Each is a small form page: parse with the form, act through the service, show its errors in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import Invalid
from gridgov.people.forms import EditResidentForm, MoveOutForm, RegistrationForm, RegistryForm, TagForm
from gridgov.people.models import ResidentTag, Tag
from gridgov.people.services import residents as service
from gridgov.people.views import card, common
from gridgov.people.views.common import registry_view
from gridgov.people.views.labels import form_labels
from gridgov.people.views.register import (
    DEFAULT_REGISTRATION_DAYS,
    add_partial_errors,
    fill_kept_numbers,
    resident_input,
)

Act = Callable[[dict[str, Any]], str]  # does the change; returns the message to show on the card


def _form_page(
    request: HttpRequest,
    pk: int,
    form: RegistryForm,
    act: Act,
    *,
    title: str,
    submit: str,
    template: str = "people/forms/simple.html",
    before_act: Callable[[RegistryForm], None] | None = None,
    next_url: str | None = None,
    **extra: Any,
) -> HttpResponse:
    resident = card.load(request.user, pk)
    service.resident_for(request.user, pk)  # 404 unless the user may change this resident
    status = 200
    if request.method == "POST":
        if form.is_valid() and before_act is not None:
            before_act(form)
        if form.is_valid():
            try:
                message = act(form.cleaned_data)
            except Invalid as error:
                form.add_service_errors(error)
            else:
                messages.success(request, message)
                return redirect(next_url or reverse("people:resident", args=[pk]))
        status = 400
    context = {
        "form": form,
        "resident": resident,
        "title": title,
        "submit": submit,
        "crumbs": [*card.crumbs(resident), (title, request.path)],
        "cancel_url": reverse("people:resident", args=[pk]),
        **extra,
    }
    return common.no_store(render(request, template, context, status=status))


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@registry_view("people.change_resident")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    resident = service.resident_for(request.user, pk)
    initial = {
        f: getattr(resident, f)
        for f in ("name", "document_type", "gender", "birth_date", "relation", "kind", "workplace")
    }
    form = EditResidentForm(_data(request), initial=initial)
    form.fields["document_number"].widget.attrs["placeholder"] = resident.document_masked
    form.fields["phone"].widget.attrs["placeholder"] = resident.phone_masked

    def check(f: RegistryForm) -> None:
        assert isinstance(f, EditResidentForm)
        fill_kept_numbers(f, resident)

    def act(data: dict[str, Any]) -> str:
        updated = service.update_resident(request.user, pk, resident_input(data))
        return _("The details of %(name)s have been saved.") % {"name": updated.name}

    if request.method == "POST" and not form.is_valid():
        add_partial_errors(form, editing=resident)
    form.live(reverse("people:validate_resident") + f"?resident={pk}")
    return _form_page(
        request,
        pk,
        form,
        act,
        title=_("Edit details"),
        submit=_("Save"),
        template="people/forms/resident.html",
        before_act=check,
        labels=form_labels(),
    )


@registry_view("people.change_resident")
def move_out(request: HttpRequest, pk: int) -> HttpResponse:
    resident = service.resident_for(request.user, pk)
    form = MoveOutForm(_data(request), initial={"on": common.today(), "leaves_area": True})
    household_id = resident.household_id

    def act(data: dict[str, Any]) -> str:
        service.move_out(request.user, pk, data["on"], leaves_area=data["leaves_area"])
        return _("%(name)s has moved out.") % {"name": resident.name}

    next_url = reverse("people:household", args=[household_id]) if household_id else None
    return _form_page(
        request, pk, form, act, title=_("Move out"), submit=_("Record the move-out"), next_url=next_url
    )


@registry_view("people.change_resident")
def tag(request: HttpRequest, pk: int) -> HttpResponse:
    tags = Tag.objects.restrict(request.user, "view").filter(active=True)
    form = TagForm(_data(request), tags=tags, initial={"start": common.today()})

    def act(data: dict[str, Any]) -> str:
        link = service.tag_resident(
            request.user, pk, data["tag"], start=data["start"], end=data["end"], note=data["note"]
        )
        return _("Tag “%(tag)s” added.") % {"tag": link.tag.name}

    return _form_page(request, pk, form, act, title=_("Add a tag"), submit=_("Add the tag"))


@require_POST
@registry_view("people.change_resident")
def end_tag(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    found = get_object_or_404(ResidentTag.objects.restrict(request.user, "change"), pk=link, resident_id=pk)
    ended = service.end_tag(request.user, found.pk, common.today())
    messages.success(request, _("Tag “%(tag)s” ended.") % {"tag": ended.tag.name})
    return redirect("people:resident", pk)


@registry_view("people.change_resident")
def renew(request: HttpRequest, pk: int) -> HttpResponse:
    resident = service.resident_for(request.user, pk)
    current = resident.registrations.filter(ended_on=None).order_by("-start").first()
    start = common.today()
    initial: dict[str, Any] = {
        "start": start,
        "expected_end": start + dt.timedelta(days=DEFAULT_REGISTRATION_DAYS),
    }
    if current is not None:
        initial.update(landlord_name=current.landlord_name, reason=current.reason)
    form = RegistrationForm(_data(request), initial=initial)
    if current is not None and current.landlord_phone_masked:
        form.fields["landlord_phone"].widget.attrs["placeholder"] = current.landlord_phone_masked
        form.fields["landlord_phone"].help_text = _("Type the landlord's phone again, or leave it empty.")

    def act(data: dict[str, Any]) -> str:
        service.renew_registration(
            request.user,
            pk,
            service.RegistrationInput(
                start=data["start"],
                expected_end=data["expected_end"],
                landlord_name=data["landlord_name"],
                landlord_phone=data["landlord_phone"],
                reason=data["reason"],
            ),
        )
        return _("The residence registration of %(name)s runs until %(date)s.") % {
            "name": resident.name,
            "date": data["expected_end"].isoformat(),
        }

    return _form_page(
        request, pk, form, act, title=_("Renew the residence registration"), submit=_("Register")
    )
