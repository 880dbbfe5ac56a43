"""The agreement form (the elements of People's Mediation Law art. 29) and its printable A4 page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.core.errors import ApiError, Invalid, NotInScope
from gridgov.mediation import forms
from gridgov.mediation.models import Agreement, Dispute
from gridgov.mediation.services import agreements
from gridgov.mediation.views import common
from gridgov.mediation.views.disputes import dispute_or_404


def _initial(dispute: Dispute) -> dict[str, object]:
    """A start the mediator edits: the matter as the facts, the last session's place as the place."""
    last = dispute.sessions.order_by("-held_on", "-pk").first()
    today = timezone.localdate()
    return {
        "version": dispute.version,
        "facts": dispute.matter,
        "performance_place": last.place if last else "",
        "signed_on": today,
        "performance_deadline": today + dt.timedelta(days=7),
    }


@login_required
def agreement_form(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = dispute_or_404(request.user, pk)
    if not Dispute.objects.restrict(request.user, "change").filter(pk=pk).exists():
        raise NotInScope
    if dispute.outcome != Dispute.Outcome.OPEN:
        messages.info(request, _("This mediation has already ended."))
        return redirect("mediation:dispute", pk=pk)
    status, error = 200, ""
    if request.method == "POST":
        form = forms.AgreementForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = agreements.make_agreement(
                    request.user,
                    pk,
                    data["version"],
                    agreements.AgreementInput(
                        **{k: data[k] for k in form.fields if k != "version"}  # the same names as the service
                    ),
                )
            except Invalid as invalid:
                common.apply_errors(form, invalid)
            except ApiError as refused:
                status, error = refused.status, common.refusal(refused)
            else:
                messages.success(request, _("The mediation agreement is signed. Print it for the parties."))
                return redirect(reverse("mediation:dispute", args=[pk]) + f"?agreement={made.pk}#agreement")
    else:
        form = forms.AgreementForm(initial=_initial(dispute))
    common.decorate(dispute, timezone.localdate())
    context = {"dispute": dispute, "form": form, "parties": list(dispute.parties.all()), "error": error}
    return common.page(request, "mediation/agreement_form.html", context, status=status)


@login_required
def agreement_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A clean A4 page. A 人民调解协议书 is a Chinese document, whatever the reader's UI language."""
    agreement = (
        Agreement.objects.restrict(request.user, "view")
        .select_related("dispute__case__village", "dispute__centre", "mediator")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise NotInScope
    dispute = agreement.dispute
    village = dispute.case.village
    with translation.override("zh-hans"):
        committee = (
            dispute.centre.name
            if dispute.centre
            else _("%(village)s People's Mediation Committee") % {"village": village.name}
        )
        context = {
            "agreement": agreement,
            "dispute": dispute,
            "case": dispute.case,
            "parties": list(dispute.parties.all()),
            "committee": committee,
            "confirm_by": agreements.judicial_confirmation_by(agreement),
            "copies": dispute.parties.count() + 1,
        }
        return common.page(request, "mediation/agreement_print.html", context)
