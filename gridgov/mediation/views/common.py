"""What the mediation pages share: scoped look-ups, the ladder and the badges, errors onto forms.

Every query starts from restrict(): a page shows nothing its reader could not read in the API.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.errors import ApiError, Invalid
from gridgov.geo.models import Grid, Village
from gridgov.mediation.models import Dispute, RiskLevel, Tier
from gridgov.mediation.models.ladder import VENUES

# The ladder's rungs in the words people use for them (the model's labels also carry the Chinese).
TIER_SHORT = {
    Tier.GRID: gettext_lazy("Grid review"),
    Tier.VILLAGE: gettext_lazy("Village consultation"),
    Tier.DEPARTMENTS: gettext_lazy("Departments together"),
    Tier.SUB_DISTRICT: gettext_lazy("Sub-district mediation"),
    Tier.KEY_MATTERS: gettext_lazy("Key-matters meeting"),
}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def no_store(response: HttpResponse) -> HttpResponse:
    """Pages with parties' details are not kept by the browser's cache or a proxy."""
    response["Cache-Control"] = "no-store, private"
    return response


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return no_store(render(request, template, context, status=status))


def safe_color(risk: RiskLevel) -> str:
    """The colour comes from the back office and lands in a style attribute: only #rrggbb passes."""
    return risk.color if _HEX.match(risk.color or "") else "#6c757d"


def risk_style(risk: RiskLevel) -> str:
    """Inline colours of a risk badge; the text turns dark on light colours (yellow) to stay readable."""
    color = safe_color(risk)
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    ink = "#1c2733" if (0.299 * r + 0.587 * g + 0.114 * b) > 160 else "#fff"
    return f"background-color:{color};color:{ink}"


def ladder(dispute: Dispute) -> list[dict[str, Any]]:
    steps = []
    for tier in Tier:
        state = "done" if tier < dispute.tier else "current" if tier == dispute.tier else "next"
        steps.append({"n": int(tier), "name": TIER_SHORT[tier], "venue": VENUES[tier], "state": state})
    return steps


def decorate(dispute: Dispute, today: Any) -> Dispute:
    """What a list row and the page header show, computed once (templates cannot do dates)."""
    left = (dispute.tier_due - today).days if dispute.outcome == Dispute.Outcome.OPEN else None
    extra = {
        "risk_style": risk_style(dispute.risk),
        "risk_color": safe_color(dispute.risk),
        "tier_short": TIER_SHORT[Tier(dispute.tier)],
        "venue": VENUES[Tier(dispute.tier)],
        "days_left": left,
        "overdue_days": -left if left is not None and left < 0 else 0,
    }
    for name, value in extra.items():
        setattr(dispute, name, value)
    return dispute


def risk_levels() -> list[dict[str, str]]:
    return [
        {"code": r.code, "name": r.name, "rule": r.rule, "color": safe_color(r)}
        for r in RiskLevel.objects.all()
    ]


def grid_choices(user: Any) -> list[tuple[str, str]]:
    return [(g.code, g.name) for g in Grid.objects.restrict(user, "view").order_by("code")[:200]]


def village_choices(user: Any) -> list[tuple[str, str]]:
    return [(v.code, v.name) for v in Village.objects.restrict(user, "view").order_by("code")[:200]]


def apply_errors(form: forms.Form, error: Invalid, prefixes: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Put a service's field errors on the form's fields; the rest (rows like "parties.1") come back."""
    rest: dict[str, list[str]] = {}
    for field, messages in error.fields.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
        elif field.split(".")[0] in prefixes:
            rest[field] = messages
        else:
            for message in messages:
                form.add_error(None, message)
    if not error.fields:
        form.add_error(None, error.message)
    return rest


def refusal(error: ApiError) -> str:
    if error.code == "conflict":
        return _("Someone else changed this just now. Reload the page to see what changed, then try again.")
    return error.message


def row_errors(rest: dict[str, list[str]], prefix: str, count: int) -> list[list[str]]:
    """Errors of rows `prefix.0 … prefix.n-1`, as one list per row for the template."""
    return [rest.get(f"{prefix}.{n}", []) for n in range(count)]
