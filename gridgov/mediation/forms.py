"""The mediation pages' forms. They check types (dates, numbers, choices); the services keep the rules.

Text the law or the ladder requires is left optional here on purpose: the services say what is missing
in their own words (art. 29's elements, a session's place), and those messages land on the fields.
The browser still gets `required` on them so a phone keyboard stops the worker before a round trip.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.mediation.models import Agreement, Clue, Dispute, FundingShare, MediationCentre, RiskLevel
from gridgov.mediation.models.disputes import DisputeKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NEEDED = {"required": True}


def text(label: Any, max_length: int, rows: int = 0, needed: bool = True) -> forms.CharField:
    attrs = dict(NEEDED) if needed else {}
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, max_length=max_length, required=False, widget=widget)


def date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE)


def risk_choices() -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in RiskLevel.objects.all()]


class Styled(forms.Form):
    """Bootstrap's classes on every widget, and its error state on a field that has an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.HiddenInput):
                continue
            css = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else "form-select"
                if isinstance(widget, forms.Select)
                else "form-control"
            )
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field in self.fields:
            widget = self.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class Versioned(Styled):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RiskForm(Versioned):
    risk = forms.ChoiceField(label=_("risk"))
    reason = text(_("why this risk"), 300)
    violence_risk = forms.BooleanField(label=_("at risk of violence"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["risk"]).choices = risk_choices()


class SessionForm(Versioned):
    held_on = date(_("date"))
    place = text(_("place"), 200)
    attendees = text(_("attendees"), 500)
    summary = text(_("what was said"), 4000, rows=3)


class EscalateForm(Versioned):
    reason = text(_("why it must go up a tier"), 2000, rows=2)


class ExtendForm(Versioned):
    days = forms.IntegerField(label=_("more days"), min_value=1, max_value=90, initial=15)
    consent = text(_("the parties' consent"), 2000)


class EndForm(Versioned):
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[
            (Dispute.Outcome.RESOLVED, Dispute.Outcome.RESOLVED.label),
            (Dispute.Outcome.REFERRED, _("referred elsewhere")),
        ],
    )
    referral = forms.ChoiceField(
        label=_("referred to"), required=False, choices=[("", "—"), *Dispute.Referral.choices]
    )
    note = text(_("how it ended"), 2000, rows=2)


class AgreementForm(Versioned):
    facts = text(_("main facts"), 4000, rows=4)
    matters = text(_("matters in dispute and responsibilities"), 4000, rows=3)
    terms = text(_("terms agreed"), 4000, rows=4)
    performance_manner = text(_("manner of performance"), 300)
    performance_place = text(_("place of performance"), 200)
    performance_deadline = date(_("deadline of performance"), required=False)
    signed_on = date(_("signed on"), required=False)
    parties_signed = forms.BooleanField(
        label=_("the parties signed, sealed or put their fingerprints on it"), required=False
    )
    committee_sealed = forms.BooleanField(
        label=_("the mediator signed and the committee sealed it"), required=False
    )


class FollowUpForm(Styled):
    performance = forms.ChoiceField(label=_("the agreement is"), choices=Agreement.Performance.choices)
    note = text(_("what you found"), 2000)


class VisitForm(Styled):
    centre = forms.ModelChoiceField(label=_("centre"), queryset=MediationCentre.objects.all())
    on = date(_("date"))
    purpose = text(_("purpose"), 200, needed=False)


class AnswerForm(Styled):
    answer = text(_("your answer"), 2000, rows=2)


class ScopedGrid(Styled):
    """A grid of the worker's own: the choices are what restrict() lets her see."""

    grid = forms.ChoiceField(label=_("grid"))

    def __init__(self, *args: Any, grids: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["grid"]).choices = grids


class ClueForm(ScopedGrid):
    kind = forms.ChoiceField(label=_("kind of clue"), choices=Clue.Kind.choices, widget=forms.RadioSelect)
    source = text(_("source (who told you, or how you found it)"), 100)
    found_on = date(_("found on"))
    description = text(_("what was found"), 2000, rows=3)
    address = text(_("address"), 200, needed=False)


class DisputeForm(ScopedGrid):
    title = text(_("in a few words"), 100)
    kind = forms.ChoiceField(label=_("kind of dispute"), choices=DisputeKind.choices)
    matter = text(_("the matter"), 4000, rows=3)
    happened_on = date(_("happened on"))
    risk = forms.ChoiceField(label=_("risk"), widget=forms.RadioSelect)
    violence_risk = forms.BooleanField(
        label=_("could turn violent: tell the police zone now"), required=False
    )
    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["risk"]).choices = risk_choices()


class ProposeForm(Styled):
    village = forms.ChoiceField(label=_("village"))
    title = text(_("title"), 100)
    proposal = text(_("proposal"), 4000, rows=4)
    proposed_by = text(_("proposed by"), 200)
    proposed_on = date(_("proposed on"))

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["village"]).choices = villages


class MeetingForm(Versioned):
    held_on = date(_("date"))
    place = text(_("place"), 200)
    attendance = forms.IntegerField(label=_("attendance"), min_value=0, max_value=100_000)
    attendees = text(_("who attended"), 500, needed=False)
    minutes = text(_("minutes"), 8000, rows=4)


class DecideForm(Versioned):
    adopted = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("adopted")), ("0", _("not adopted"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    decision = text(_("what was decided"), 4000, rows=3)
    decided_on = date(_("decided on"))
    total = forms.DecimalField(label=_("total cost (yuan)"), required=False, max_digits=14, decimal_places=2)


class ProgressForm(Versioned):
    on = date(_("date"))
    percent = forms.IntegerField(label=_("progress (%)"), min_value=0, max_value=100)
    note = text(_("what was done"), 500)


SHARE_SOURCES = FundingShare.Source.choices
