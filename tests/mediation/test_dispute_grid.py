"""The copies the figures read: a dispute's own grid (from its case) and a party's visit count."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from gridgov.cases.models import Case
from gridgov.geo.models import Grid
from gridgov.mediation.defaults import ensure_risk_levels
from gridgov.mediation.figures import report
from gridgov.mediation.models import (
    Agreement,
    Dispute,
    FollowUp,
    MediationCentre,
    Party,
    PoliceReferral,
    Visit,
)
from gridgov.mediation.services import agreements, disputes
from tests.cases import factories as cf
from tests.factories import Personas

TODAY = timezone.localdate()
SD = "331081001"
FILL = importlib.import_module("gridgov.mediation.migrations.0003_fill_dispute_grid_and_visit_count")


@pytest.fixture
def setup(personas: Personas) -> Personas:
    cf.categories()
    ensure_risk_levels()
    return personas


def quarrel(actor: Any, point: tuple[float, float] = cf.GRID_1_POINT, risk: str = "yellow") -> Dispute:
    parties = [disputes.PartyInput(name="张某"), disputes.PartyInput(name="李某")]
    data = disputes.DisputeInput("漏水纠纷", "neighbours", "楼上漏水", TODAY, risk, *point, parties=parties)
    return disputes.open_dispute(actor, data)


def centre(p: Personas) -> MediationCentre:
    sd = p.operator.scope_sub_district
    assert sd is not None
    return MediationCentre.objects.create(name="太平街道矛调中心", level="sub_district", sub_district=sd)


def visible(user: Any) -> dict[str, int]:
    models: list[Any] = [Dispute, Party, Visit, PoliceReferral, Agreement, FollowUp]
    return {m.__name__: m.objects.restrict(user, "view").count() for m in models}


def test_the_grid_is_copied_from_the_case_when_the_dispute_opens(setup: Personas) -> None:
    mine, theirs = quarrel(setup.worker), quarrel(setup.other_worker, cf.GRID_2_POINT)
    for dispute in (mine, theirs):
        stored = Dispute.objects.get(pk=dispute.pk)
        assert stored.grid_id == Case.objects.get(pk=dispute.case_id).grid_id
    assert mine.grid_id != theirs.grid_id
    assert mine.grid.workers.filter(pk=setup.worker.pk).exists()


def test_a_worker_of_another_grid_cannot_see_the_dispute_or_what_hangs_from_it(setup: Personas) -> None:
    dispute = quarrel(setup.worker, risk="red")  # red: referred to the police at once
    party = dispute.parties.all()[0]
    agreements.record_visit(setup.worker, party.pk, centre(setup).pk, TODAY)
    data = agreements.AgreementInput("事实", "争议", "条款", "现金", "调解室", TODAY, TODAY, True, True)
    agreements.make_agreement(setup.worker, dispute.pk, dispute.version, data)
    everything = {"Dispute": 1, "Party": 2, "Visit": 1, "PoliceReferral": 1, "Agreement": 1, "FollowUp": 2}
    assert visible(setup.worker) == everything
    assert visible(setup.other_worker) == dict.fromkeys(everything, 0)
    assert report(setup.other_worker, "sub_district", SD).total.found == 0
    assert report(setup.worker, "sub_district", SD).total.found == 1


def test_the_dispute_follows_its_case_to_another_grid(setup: Personas) -> None:
    dispute = quarrel(setup.worker)
    case = Case.objects.get(pk=dispute.case_id)
    other_grid = setup.other_worker.scope_grids.get()
    case.grid = other_grid
    case.save()
    assert Dispute.objects.get(pk=dispute.pk).grid_id == other_grid.pk
    assert visible(setup.other_worker)["Dispute"] == 1 and visible(setup.other_worker)["Party"] == 2
    assert visible(setup.worker)["Dispute"] == 0
    case.title = "改了标题"  # a save that leaves the grid alone changes nothing on the dispute
    case.save()
    assert Dispute.objects.get(pk=dispute.pk).grid_id == other_grid.pk


def test_each_visit_is_counted_on_its_party(setup: Personas) -> None:
    place = centre(setup)
    once, twice, never = quarrel(setup.worker), quarrel(setup.worker), quarrel(setup.worker)
    agreements.record_visit(setup.worker, once.parties.all()[0].pk, place.pk, TODAY)
    heavy = twice.parties.all()[1]
    for days in (3, 1):
        agreements.record_visit(setup.worker, heavy.pk, place.pk, TODAY - dt.timedelta(days=days))
    counts = dict(Party.objects.values_list("pk", "visit_count"))
    assert counts == {p.pk: Visit.objects.filter(party=p).count() for p in Party.objects.all()}
    assert counts[heavy.pk] == 2 and sum(counts.values()) == 3
    assert list(agreements.ran_more_than_once(Dispute.objects.all())) == [twice]
    assert report(setup.worker, "grid", twice.grid.code).total.ran_more_than_once == 1
    assert never.parties.filter(visit_count=0).count() == 2


def test_the_figures_equal_a_recount_from_the_visits_and_cases(setup: Personas) -> None:
    """The copies against the records they copy: grids from the cases, counts from the visits."""
    place = centre(setup)
    opened = [quarrel(setup.worker), quarrel(setup.other_worker, cf.GRID_2_POINT), quarrel(setup.worker)]
    for n, dispute in enumerate(opened):
        for _visit in range(n + 1):
            agreements.record_visit(setup.operator, dispute.parties.all()[0].pk, place.pk, TODAY)
    by_grid: Counter[int] = Counter()
    heavy: Counter[int] = Counter()
    visits = Counter(Visit.objects.values_list("party__dispute_id", "party_id"))
    for dispute in Dispute.objects.select_related("case"):
        by_grid[dispute.case.grid_id] += 1
        heavy[dispute.case.grid_id] += any(n > 1 for (d, _p), n in visits.items() if d == dispute.pk)
    for grid in Grid.objects.filter(pk__in=list(by_grid)):
        total = report(setup.admin, "grid", grid.code).total
        assert (total.found, total.ran_more_than_once) == (by_grid[grid.pk], heavy[grid.pk])
    total = report(setup.admin, "sub_district", SD).total
    assert (total.found, total.ran_more_than_once) == (3, 2)


def test_the_data_migration_fills_the_copies_from_the_records(setup: Personas) -> None:
    place = centre(setup)
    dispute = quarrel(setup.worker)
    party = dispute.parties.all()[0]
    for _visit in range(3):
        agreements.record_visit(setup.worker, party.pk, place.pk, TODAY)
    wrong = setup.other_worker.scope_grids.get()
    # As the rows stood before the migration: plain querysets, so no audit entries either.
    QuerySet(model=Dispute).update(grid=wrong)
    QuerySet(model=Party).update(visit_count=0)
    FILL.fill(apps, SimpleNamespace(connection=connection))
    assert Dispute.objects.get(pk=dispute.pk).grid_id == Case.objects.get(pk=dispute.case_id).grid_id
    assert dict(Party.objects.values_list("pk", "visit_count")) == {
        p.pk: 3 if p == party else 0 for p in dispute.parties.all()
    }
