"""Acting on a dispute from its page: small forms that each carry the `version` they were read at.

Plain form posts, so the page works without JavaScript. A refusal re-renders the page with the reason
beside the form it came from; a stale version says that someone else changed the dispute.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import Role
from gridgov.core.errors import ApiError, Invalid, NotInScope
from gridgov.mediation import forms
from gridgov.mediation.models import Dispute, FollowUp, Party, PoliceReferral
from gridgov.mediation.services import agreements, disputes, ladder
from gridgov.mediation.views import common
from gridgov.mediation.views.disputes import detail_context, dispute_or_404

Run = Callable[[Any, Dispute, dict[str, Any]], Any]


def _session(user: Any, d: Dispute, data: dict[str, Any]) -> Any:
    session = ladder.SessionInput(data["held_on"], data["place"], data["attendees"], data["summary"])
    return ladder.record_session(user, d.pk, data["version"], session)


def _risk(user: Any, d: Dispute, data: dict[str, Any]) -> Any:
    return disputes.set_risk(user, d.pk, data["version"], data["risk"], data["reason"], data["violence_risk"])


# name → (its form, what it does). Each goes through one service call.
ACTIONS: dict[str, tuple[type[django_forms.Form], Run]] = {
    "session": (forms.SessionForm, _session),
    "escalate": (
        forms.EscalateForm,
        lambda u, d, x: ladder.escalate_tier(u, d.pk, x["version"], x["reason"]),
    ),
    "extend": (
        forms.ExtendForm,
        lambda u, d, x: ladder.extend_tier(u, d.pk, x["version"], x["days"], x["consent"]),
    ),
    "end": (
        forms.EndForm,
        lambda u, d, x: ladder.end(u, d.pk, x["version"], x["outcome"], x["note"], x["referral"]),
    ),
    "risk": (forms.RiskForm, _risk),
}
DONE = {
    "session": gettext_lazy("The session is recorded."),
    "escalate": gettext_lazy("The dispute went up one tier."),
    "extend": gettext_lazy("The time limit is extended."),
    "end": gettext_lazy("The mediation has ended."),
    "risk": gettext_lazy("The risk is updated."),
}


def refused(
    request: HttpRequest, dispute: Dispute, name: str, form: Any, status: int, error: str = "", party: int = 0
) -> HttpResponse:
    context = detail_context(
        request, dispute, forms={name: form}, open_action=name, action_error=error, error_party=party
    )
    return common.page(request, "mediation/dispute_detail.html", context, status=status)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    dispute = dispute_or_404(request.user, pk)
    if name not in ACTIONS:
        raise NotInScope
    form_class, run = ACTIONS[name]
    form = form_class(request.POST)
    if not form.is_valid():
        return refused(request, dispute, name, form, 400)
    referred_before = dispute.police_referrals.count()
    try:
        run(request.user, dispute, form.cleaned_data)
    except Invalid as error:
        common.apply_errors(form, error)
        return refused(request, dispute, name, form, 400)
    except ApiError as error:
        return refused(request, dispute, name, form, error.status, common.refusal(error))
    messages.success(request, DONE[name])
    if dispute.police_referrals.count() > referred_before:
        messages.warning(
            request, _("Referred to the police zone's officer at once (People's Mediation Law art. 25).")
        )
    return redirect("mediation:dispute", pk=dispute.pk)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer's answer to a referral. Only the police answer for the police."""
    referral = PoliceReferral.objects.restrict(request.user, "view").filter(pk=pk).first()
    if referral is None:
        raise NotInScope
    dispute = dispute_or_404(request.user, referral.dispute_id)
    form = forms.AnswerForm(request.POST)
    if getattr(request.user, "role", "") != Role.OFFICER:
        return refused(
            request, dispute, "answer", form, 403, _("Only the police officer answers a referral.")
        )
    if not form.is_valid():
        return refused(request, dispute, "answer", form, 400)
    try:
        disputes.answer_referral(request.user, referral.pk, form.cleaned_data["answer"])
    except Invalid as error:
        common.apply_errors(form, error)
        return refused(request, dispute, "answer", form, 400)
    messages.success(request, _("Your answer is recorded, and you are now taking part in this dispute."))
    return redirect("mediation:dispute", pk=dispute.pk)


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    found = FollowUp.objects.restrict(request.user, "view").filter(pk=pk).select_related("agreement").first()
    if found is None:
        raise NotInScope
    dispute = dispute_or_404(request.user, found.agreement.dispute_id)
    form = forms.FollowUpForm(request.POST)
    if not form.is_valid():
        return refused(request, dispute, "follow_up", form, 400)
    try:
        agreements.record_follow_up(
            request.user, pk, form.cleaned_data["note"], form.cleaned_data["performance"]
        )
    except Invalid as error:
        common.apply_errors(form, error)
        return refused(request, dispute, "follow_up", form, 400)
    messages.success(request, _("The follow-up visit is recorded."))
    return redirect(reverse("mediation:dispute", args=[dispute.pk]) + "#agreement")


@login_required
@require_POST
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    party = Party.objects.restrict(request.user, "view").filter(pk=pk).first()
    if party is None:
        raise NotInScope
    dispute = dispute_or_404(request.user, party.dispute_id)
    form = forms.VisitForm(request.POST)
    if not form.is_valid():
        return refused(request, dispute, "visit", form, 400, party=pk)
    data = form.cleaned_data
    try:
        agreements.record_visit(request.user, pk, data["centre"].pk, data["on"], data["purpose"])
    except Invalid as error:
        common.apply_errors(form, error)
        return refused(request, dispute, "visit", form, 400, party=pk)
    messages.success(request, _("The visit of %(name)s is recorded.") % {"name": party.name})
    return redirect(reverse("mediation:dispute", args=[dispute.pk]) + "#parties")
