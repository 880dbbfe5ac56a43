"""The dispute list and the dispute page: parties, risk, the ladder, sessions, agreement, police, timeline."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role
from gridgov.cases import workflow
from gridgov.cases.models import CaseEvent
from gridgov.mediation import forms
from gridgov.mediation.api.rows import listing, with_police
from gridgov.mediation.models import Agreement, Dispute, MediationCentre, RiskLevel, Tier
from gridgov.mediation.services import agreements, disputes
from gridgov.mediation.views import common

PER_PAGE = 30


def event_labels() -> dict[str, str]:
    labels = {name: str(t.label) for name, t in workflow.TRANSITIONS.items()}
    labels.update(
        {
            "report": _("opened"),
            "accept": _("accepted"),
            "dispatch": _("dispatched"),
            "start": _("taken on for mediation"),
            "conclude": _("case concluded"),
            "session": _("mediation session"),
            "tier": _("up one tier"),
            "extend": _("time limit extended"),
            "mediation_end": _("mediation ended"),
            "agreement": _("agreement signed"),
            "follow_up": _("follow-up visit"),
            "police_referral": _("referred to the police zone"),
            "police_answer": _("the officer answered"),
            "risk": _("risk changed"),
            "early_warning": _("early warning"),
        }
    )
    return labels


# The finder takes her own dispute on at once (services.disputes._take_on): accept and dispatch are
# bookkeeping of the case loop in the same second, one step for the reader ("taken on").
BOOKKEEPING = frozenset({"accept", "dispatch"})


def timeline(dispute: Dispute) -> list[CaseEvent]:
    labels = event_labels()
    events = list(dispute.case.events.order_by("at", "pk"))
    opened_at = events[0].at if events else None
    shown = []
    for event in events:
        if (
            event.action in BOOKKEEPING
            and opened_at is not None
            and event.actor_id == dispute.finder_id
            and (event.at - opened_at).total_seconds() < 60
        ):
            continue
        setattr(event, "label", labels.get(event.action, event.action))  # noqa: B010 (display only)
        to_tier = event.data.get("to_tier") if isinstance(event.data, dict) else None
        setattr(event, "to_tier", TIER_NAMES.get(to_tier, "") if to_tier else "")  # noqa: B010
        # The stored name of "nobody" is in whatever language recorded it: say it in the reader's.
        setattr(event, "who", event.actor_name if event.actor_id else _("automatically"))  # noqa: B010
        shown.append(event)
    return shown


TIER_NAMES = {int(t): common.TIER_SHORT[t] for t in Tier}


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    base = Dispute.objects.restrict(request.user, "view")
    qs = listing(base)
    chosen = {k: request.GET.get(k, "") for k in ("risk", "tier", "outcome", "police")}
    if chosen["risk"]:
        qs = qs.filter(risk__code=chosen["risk"])
    if chosen["tier"].isdigit():
        qs = qs.filter(tier=int(chosen["tier"]))
    if chosen["outcome"] in Dispute.Outcome.values:
        qs = qs.filter(outcome=chosen["outcome"])
    if chosen["police"] == "1":
        qs = with_police(qs, True)
    # Open disputes first, the most serious and the nearest deadline at the top.
    still_open = Case(When(outcome="open", then=Value(0)), default=Value(1), output_field=IntegerField())
    qs = qs.order_by(still_open, "risk__rank", "tier_due", "-pk")
    today = timezone.localdate()
    paged = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for d in paged.object_list:
        common.decorate(d, today)
    open_ = base.filter(outcome=Dispute.Outcome.OPEN)
    tiles = {
        "open": open_.count(),
        "serious": open_.filter(risk__rank__lte=2).count(),
        "overdue": open_.filter(tier_due__lt=today).count(),
        "police": open_.filter(police_referrals__answered_at=None, police_referrals__isnull=False)
        .distinct()
        .count(),
    }
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    context = {
        "page": paged,
        "tiles": tiles,
        "chosen": chosen,
        "query": query,
        "risks": RiskLevel.objects.all(),
        "tiers": [(int(t), f"{int(t)} · {common.TIER_SHORT[t]}") for t in Tier],
        "outcomes": Dispute.Outcome.choices,
        "filtered": any(chosen.values()),
        "can_screen": request.user.has_perm("mediation.add_dispute"),
    }
    return common.page(request, "mediation/dispute_list.html", context)


def dispute_or_404(user: Any, pk: int) -> Dispute:
    found = disputes.dispute_for(user, pk, "view")
    return Dispute.objects.select_related("case__grid", "case__village", "risk", "centre", "finder").get(
        pk=found.pk
    )


def detail_context(request: HttpRequest, dispute: Dispute, **extra: Any) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    common.decorate(dispute, today)
    may_change = Dispute.objects.restrict(user, "change").filter(pk=dispute.pk).exists()
    is_open = dispute.outcome == Dispute.Outcome.OPEN
    v = dispute.version
    action_forms: dict[str, Any] = {
        "session": forms.SessionForm(initial={"version": v, "held_on": today}),
        "escalate": forms.EscalateForm(initial={"version": v}),
        "extend": forms.ExtendForm(initial={"version": v}),
        "end": forms.EndForm(initial={"version": v}),
        "risk": forms.RiskForm(
            initial={"version": v, "risk": dispute.risk.code, "violence_risk": dispute.violence_risk}
        ),
        "visit": forms.VisitForm(initial={"on": today}),
        "answer": forms.AnswerForm(),
        "follow_up": forms.FollowUpForm(initial={"performance": Agreement.Performance.PERFORMED}),
    }
    action_forms.update(extra.pop("forms", {}))
    referrals = list(dispute.police_referrals.select_related("officer").order_by("referred_at"))
    is_officer = getattr(user, "role", "") == Role.OFFICER
    agreement = Agreement.objects.select_related("mediator").filter(dispute=dispute).first()
    follow_ups = list(agreement.follow_ups.select_related("by")) if agreement else []
    parties = list(dispute.parties.prefetch_related("visits__centre"))
    context = {
        "dispute": dispute,
        "case": dispute.case,
        "parties": parties,
        "ladder": common.ladder(dispute),
        "sessions": list(dispute.sessions.select_related("recorded_by")),
        "agreement": agreement,
        "confirm_by": agreements.judicial_confirmation_by(agreement) if agreement else None,
        "follow_ups": follow_ups,
        "next_follow_up": next((f for f in follow_ups if f.done_on is None), None),
        "referrals": referrals,
        "answerable": [r.pk for r in referrals if is_officer and r.answered_at is None],
        "participants": list(dispute.participants.order_by("pk")),
        "clues": list(dispute.clues.all()),
        "events": timeline(dispute),
        "can_act": may_change and is_open,
        "may_change": may_change,
        "top_tier": dispute.tier >= Tier.KEY_MATTERS,
        "centres": MediationCentre.objects.exists(),
        "forms": action_forms,
        "open_action": "",
        "action_error": "",
        "is_new": request.GET.get("new") == "1",
        "error_party": 0,
        "visit_blank": forms.VisitForm(initial={"on": today}),
    }
    context.update(extra)
    return context


@login_required
def dispute_page(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = dispute_or_404(request.user, pk)
    return common.page(request, "mediation/dispute_detail.html", detail_context(request, dispute))
