"""The registry's forms: they parse what was typed; the services decide whether it is acceptable.

A form only turns text into dates, numbers and choices, with messages in the user's language. The rules
of the registry (a valid ID number, a birth date that agrees with it, a phone that exists) live in
gridgov.people.services, which every path into the registry shares; their `Invalid.fields` errors are
put back on these forms next to the field they concern.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import Invalid
from gridgov.people.identity import DocumentType
from gridgov.people.models import Building, ResidenceRegistration, Resident, Tag

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _text(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": "off", **attrs})


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


class RegistryForm(forms.Form):
    """Bootstrap classes on every widget, and a way to put a service's field errors back in place."""

    # Service field names that have no input of their own on this form, and where to show them.
    error_aliases: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "btn-check")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        # Bootstrap draws a field red by its input's class; every error, whatever found it, passes here.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                classes = widget.attrs.get("class", "")
                if "is-invalid" not in classes.split():
                    widget.attrs["class"] = f"{classes} is-invalid".strip()

    def live(self, url: str) -> RegistryForm:
        """Validate each field on the server as soon as it changes (htmx; the form element carries
        hx-target and hx-swap, which every input inherits)."""
        for field in self.fields.values():
            field.widget.attrs.update({"hx-post": url, "hx-trigger": "change"})
        return self

    def add_service_errors(self, error: Invalid) -> None:
        for name, messages in error.fields.items():
            target = self.error_aliases.get(name, name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)
        if not error.fields:
            self.add_error(None, error.message)


class ResidentForm(RegistryForm):
    # Not the model's "name" (shared with tags and areas): a person has a 姓名, not a 名称.
    name = forms.CharField(
        label=_("full name"),
        max_length=60,
        error_messages=_required(_("Type the resident's name.")),
        widget=_text(autocomplete="off"),
    )
    document_type = forms.ChoiceField(
        label=_("document type"), choices=DocumentType.choices, initial=DocumentType.RESIDENT_ID
    )
    document_number = forms.CharField(
        label=_("document number"),
        max_length=40,
        error_messages=_required(_("The document number is missing.")),
        widget=_text(autocapitalize="characters", spellcheck="false", inputmode="text"),
    )
    gender = forms.ChoiceField(
        label=_("gender"),
        required=False,
        choices=Resident.Gender.choices,
        widget=forms.RadioSelect,
    )
    birth_date = forms.DateField(label=_("birth date"), required=False, widget=DATE)
    phone = forms.CharField(
        label=_("phone"), max_length=30, required=False, widget=_text(type="tel", inputmode="tel")
    )
    relation = forms.ChoiceField(
        label=_("relation to the head"), choices=Resident.Relation.choices, initial=Resident.Relation.HEAD
    )
    kind = forms.ChoiceField(
        label=_("registered or floating"),
        choices=Resident.Kind.choices,
        initial=Resident.Kind.REGISTERED,
        widget=forms.RadioSelect,
    )
    workplace = forms.CharField(label=_("workplace"), max_length=100, required=False, widget=_text())


class RegistrationForm(RegistryForm):
    """流动人口居住登记: a new or renewed registration period."""

    start = forms.DateField(
        label=_("registered from"),
        widget=DATE,
        error_messages=_required(_("The start of the registration is missing.")),
    )
    expected_end = forms.DateField(
        label=_("expected end"), widget=DATE, error_messages=_required(_("The expected end is missing."))
    )
    landlord_name = forms.CharField(label=_("landlord"), max_length=60, required=False, widget=_text())
    landlord_phone = forms.CharField(
        label=_("landlord's phone"), max_length=30, required=False, widget=_text(type="tel", inputmode="tel")
    )
    reason = forms.ChoiceField(
        label=_("reason"),
        choices=ResidenceRegistration.Reason.choices,
        initial=ResidenceRegistration.Reason.WORK,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("expected_end")
        if start and end and end < start:
            self.add_error("expected_end", _("The expected end is before the start."))
        return data


REGISTRATION_FIELDS = tuple(RegistrationForm.base_fields)


class RegisterForm(ResidentForm):
    """A new resident of a household; a floating resident's registration is filled in with it."""

    moved_in = forms.DateField(
        label=_("moved in"), widget=DATE, error_messages=_required(_("The move-in date is missing."))
    )
    # The service reports a missing registration as a whole; show it where the registration starts.
    error_aliases = {"registration": "start"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The registration's fields, required only for a floating resident (see clean()); copied after
        # the base class styled its own fields, so styled here.
        for name in REGISTRATION_FIELDS:
            field = copy.deepcopy(RegistrationForm.base_fields[name])
            field.required = False
            # Still marked as required on the page: the section only shows for a floating resident.
            setattr(field, "show_required", name in ("start", "expected_end"))  # noqa: B010
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            self.fields[name] = field

    @property
    def floating(self) -> bool:
        value = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        return value == Resident.Kind.FLOATING

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Resident.Kind.FLOATING:
            for name in ("start", "expected_end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, RegistrationForm.base_fields[name].error_messages["required"])
            start, end = data.get("start"), data.get("expected_end")
            if start and end and end < start:
                self.add_error("expected_end", _("The expected end is before the start."))
        return data


class EditResidentForm(ResidentForm):
    """The document number and phone are never shown in full here: left empty, they stay as they are."""

    remove_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_number"].required = False
        self.fields["document_number"].help_text = _("Leave empty to keep the number on record.")
        self.fields["phone"].help_text = _("Leave empty to keep the phone on record.")


class BuildingForm(RegistryForm):
    name = forms.CharField(
        label=_("building name"),
        max_length=60,
        error_messages=_required(_("The building's name is missing.")),
        widget=_text(placeholder=_("e.g. building 9 / 9幢")),
    )
    address = forms.CharField(
        label=_("address"), max_length=200, error_messages=_required(_("The address is missing."))
    )
    floors = forms.IntegerField(
        label=_("floors"),
        min_value=1,
        max_value=200,
        error_messages={
            **_required(_("The number of floors is missing.")),
            "min_value": _("Floors must be between 1 and 200."),
            "max_value": _("Floors must be between 1 and 200."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    use = forms.ChoiceField(label=_("use"), choices=Building.Use.choices, initial=Building.Use.RESIDENTIAL)
    lng = forms.FloatField(
        label=_("longitude"),
        min_value=-180,
        max_value=180,
        error_messages=_required(_("Pick the location on the map or type it.")),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lat = forms.FloatField(
        label=_("latitude"),
        min_value=-90,
        max_value=90,
        error_messages=_required(_("Pick the location on the map or type it.")),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    # The coordinate system of lng/lat: the map's when picked on it, WGS-84 (GPS) when typed.
    crs = forms.ChoiceField(
        choices=[("wgs84", "wgs84"), ("gcj02", "gcj02"), ("bd09", "bd09")],
        initial="wgs84",
        widget=forms.HiddenInput,
    )
    error_aliases = {"location": "lng"}


class HouseholdForm(RegistryForm):
    unit = forms.CharField(
        label=_("unit"), max_length=20, required=False, widget=_text(placeholder=_("e.g. 4单元"))
    )
    room = forms.CharField(
        label=_("room"),
        max_length=20,
        error_messages=_required(_("The room is missing.")),
        widget=_text(placeholder=_("e.g. 302"), inputmode="text"),
    )


class MoveOutForm(RegistryForm):
    on = forms.DateField(
        label=_("moved out on"), widget=DATE, error_messages=_required(_("The move-out date is missing."))
    )
    leaves_area = forms.BooleanField(
        label=_("Leaves the area (not moving to another household here)"), required=False, initial=True
    )
    error_aliases = {"resident": "on"}


class TagForm(RegistryForm):
    tag = forms.ModelChoiceField(
        label=_("tag"),
        queryset=Tag.objects.none(),
        to_field_name="code",
        empty_label=None,
        error_messages=_required(_("Choose a tag.")),
    )
    start = forms.DateField(
        label=_("from"), widget=DATE, error_messages=_required(_("The start date is missing."))
    )
    end = forms.DateField(label=_("until"), required=False, widget=DATE)
    note = forms.CharField(label=_("note"), max_length=200, required=False, widget=_text())

    def __init__(self, *args: Any, tags: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tag"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = tags


class UnmaskForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for viewing"),
        max_length=500,
        error_messages=_required(_("State why you need to see this.")),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
