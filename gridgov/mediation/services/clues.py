"""Clues from screening (摸排) and the early warning they raise when they repeat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.services import timeline
from gridgov.core.errors import Collector, NotInScope
from gridgov.geo.models import Grid
from gridgov.mediation.models import Clue, Dispute, RiskLevel
from gridgov.people.models import Resident

WINDOW_DAYS = 30
REPEATS = 3  # this many clues about the same people or address within the window raise the risk


@dataclass
class ClueInput:
    grid_code: str
    kind: str
    source: str
    found_on: dt.date
    description: str
    address: str = ""
    resident_ids: list[int] = field(default_factory=list)
    dispute_id: int | None = None


@dataclass
class Warning:
    clues: int
    reason: str
    raised: list[int]  # disputes whose risk went up


def record_clue(actor: Any, data: ClueInput) -> tuple[Clue, Warning | None]:
    errors = Collector()
    grid = Grid.objects.restrict(actor, "view").filter(code=data.grid_code).first()
    if grid is None:
        errors.add("grid_code", _("This grid is outside your scope."))
    if data.kind not in Clue.Kind.values:
        errors.add("kind", _("Choose the kind of clue."))
    if data.found_on > timezone.localdate():
        errors.add("found_on", _("The date is in the future."))
    if not data.description.strip() or not data.source.strip():
        errors.add("description", _("Say what was found and from whom."))
    residents = list(Resident.objects.restrict(actor, "view").filter(pk__in=data.resident_ids))
    if len(residents) != len(set(data.resident_ids)):
        errors.add("resident_ids", _("Some of these people are not in your registry's scope."))
    dispute = None
    if data.dispute_id is not None:
        dispute = Dispute.objects.restrict(actor, "view").filter(pk=data.dispute_id).first()
        if dispute is None:
            raise NotInScope(_("This dispute is outside your grids."))
    errors.raise_if_any()
    assert grid is not None
    with transaction.atomic():
        clue = Clue.objects.create(
            grid=grid,
            kind=data.kind,
            source=data.source.strip()[:100],
            found_on=data.found_on,
            description=data.description.strip(),
            address=data.address.strip()[:200],
            dispute=dispute,
            finder=actor,
        )
        clue.residents.set(residents)
        return clue, early_warning(clue)


def early_warning(clue: Clue) -> Warning | None:
    """Repeated clues about the same people or address raise the risk of their open disputes by one
    level, and say why."""
    since = clue.found_on - dt.timedelta(days=WINDOW_DAYS)
    people = list(clue.residents.values_list("pk", flat=True))
    same = Q(residents__in=people) if people else Q(pk__in=[])
    if clue.address:
        same |= Q(address=clue.address)
    related = Clue.objects.filter(same, found_on__gte=since, found_on__lte=clue.found_on).distinct()
    count = related.count()
    if count < REPEATS:
        return None
    names = ", ".join(clue.residents.values_list("name", flat=True)) or clue.address
    reason = _("%(n)d clues about %(who)s within %(days)d days") % {
        "n": count,
        "who": names,
        "days": WINDOW_DAYS,
    }
    disputes = (
        Dispute.objects.filter(outcome=Dispute.Outcome.OPEN)
        .filter(Q(pk__in=related.exclude(dispute=None).values("dispute")) | Q(parties__resident__in=people))
        .distinct()
    )
    raised = []
    for dispute in disputes.select_related("risk", "case"):
        higher = RiskLevel.objects.filter(rank__lt=dispute.risk.rank).order_by("-rank").first()
        if higher is None:
            continue
        from gridgov.mediation.services.disputes import bump, refer_to_police

        bump(dispute, dispute.version, risk=higher, risk_reason=reason[:300])
        timeline.record(dispute.case, None, "early_warning", "", "", reason, {"risk": higher.code})
        if higher.police_at_once and not dispute.police_referrals.exists():
            refer_to_police(dispute, reason)
        raised.append(dispute.pk)
    return Warning(count, reason, raised)
