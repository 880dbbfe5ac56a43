"""The case pages' forms. They check the shape of the input; the services decide what is valid
(a place inside a grid, a known category, a phone number …) and their errors are put back on the
fields by `apply_errors`, so each rule lives in one place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.cases.models import Category
from gridgov.cases.models.case import Channel
from gridgov.cases.services.intake import ItemInput

STAFF_CHANNELS = [
    (Channel.PHONE, _("Phone call")),
    (Channel.WECHAT, _("WeChat message")),
    (Channel.PATROL, _("My patrol")),
]
CRS_CHOICES = [("wgs84", "WGS-84"), ("gcj02", "GCJ-02"), ("bd09", "BD-09")]
MAX_ITEMS = 30


def grouped_categories(categories: Iterable[Category]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Minor classes grouped under their major class, for an <optgroup> select."""
    groups: dict[str, list[tuple[str, str]]] = {}
    majors: dict[str, str] = {}
    for category in categories:
        if category.is_major:
            majors[category.code] = category.name
            continue
        groups.setdefault(category.code[:2], []).append((category.code, category.name))
    return [(majors.get(code, code), items) for code, items in sorted(groups.items())]


def staff_categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("code")


def public_categories() -> QuerySet[Category]:
    """What a resident may report from the contact card: the non-police classes open to the public
    (the same flag that offers them through Open311); police matters are for 110."""
    return Category.objects.filter(active=True, police=False, open311=True).exclude(code__regex=r"^\d{2}$")


class Styled(forms.Form):
    """Bootstrap's classes on every visible widget, so templates can render fields as they are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput | forms.RadioSelect):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StaffReportForm(Styled):
    channel = forms.ChoiceField(
        label=_("How it came in"), choices=STAFF_CHANNELS, initial=Channel.PHONE, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("What is it about"), max_length=100)
    description = forms.CharField(
        label=_("Details"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    crs = forms.ChoiceField(choices=CRS_CHOICES, initial="wgs84", required=False, widget=forms.HiddenInput)
    building_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    household_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    place_label = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=60, required=False)
    reporter_phone = forms.CharField(
        label=_("Reporter's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = [("", _("Choose a category")), *grouped_categories(staff_categories())]


class PublicReportForm(Styled):
    category = forms.ChoiceField(label=_("What kind of help or problem"))
    title = forms.CharField(label=_("In a few words"), max_length=100)
    description = forms.CharField(
        label=_("Details (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    place = forms.CharField(
        label=_("Where (building, unit, room or a landmark)"), max_length=200, required=False
    )
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=60, required=False)
    reporter_phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        error_messages={"required": _("Leave a phone number so your grid worker can call you back.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = [("", _("Choose one")), *grouped_categories(public_categories())]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("lng") is None and not data.get("place"):
            self.add_error("place", _("Tell us where: share your location or describe the place."))
        return data


class ActionForm(forms.Form):
    action = forms.CharField(max_length=30)
    version = forms.IntegerField(min_value=1)
    note = forms.CharField(max_length=2000, required=False)
    assignee_id = forms.IntegerField(required=False)
    into_id = forms.IntegerField(required=False)


class RatingForm(Styled):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        error_messages={"required": _("Choose 1 to 5 stars.")},
    )
    solved = forms.TypedChoiceField(
        label=_("Is it solved?"),
        choices=[("yes", _("Yes, solved")), ("no", _("No, not yet"))],
        coerce=lambda value: value == "yes",
        initial="yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def items_from(data: Any) -> tuple[list[ItemInput], list[dict[str, str]]]:
    """The supply list's rows (item_name, item_quantity, item_unit repeated); blank rows are dropped.

    Returns what the service gets and what the form shows again after an error.
    """
    names = data.getlist("item_name")[:MAX_ITEMS]
    quantities = data.getlist("item_quantity")
    units = data.getlist("item_unit")
    items, rows = [], []
    for n, name in enumerate(names):
        quantity = quantities[n].strip() if n < len(quantities) else ""
        unit = units[n].strip() if n < len(units) else ""
        if not name.strip() and not quantity and not unit:
            continue
        rows.append({"name": name.strip(), "quantity": quantity, "unit": unit})
        items.append(ItemInput(name.strip(), quantity or "0", unit))
    return items, rows


# Service error keys that are not form fields, and the field that shows them.
FIELD_OF = {
    "location": "place",
    "household_id": "place",
    "building_id": "place",
    "attachments": "photos",
    "photos": "photos",
}


def apply_errors(form: forms.Form, fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Put a service's field errors on the form; returns those with no field (shown by the page)."""
    rest: dict[str, list[str]] = {}
    for key, messages in fields.items():
        name = FIELD_OF.get(key, key)
        if key.startswith("items"):
            rest.setdefault("items", []).extend(messages)
        elif name in form.fields:
            for message in messages:
                form.add_error(name, message)
        else:
            rest.setdefault(name, []).extend(messages)
    return rest
