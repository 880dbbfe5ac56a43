"""The dispute's copies of what hangs from it, which the figures count in one pass: the police
referral, the agreement's performance, its follow-ups scheduled and done, and 最多跑一次."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from gridgov.mediation.defaults import ensure_risk_levels
from gridgov.mediation.figures import report
from gridgov.mediation.models import Agreement, Dispute, FollowUp, MediationCentre
from gridgov.mediation.services import agreements, disputes
from tests.cases import factories as cf
from tests.factories import Personas

TODAY = timezone.localdate()
SD = "331081001"
FILL = importlib.import_module("gridgov.mediation.migrations.0005_dispute_copies_for_the_figures")
COPIES = ("police_status", "performance", "ran_more_than_once", "follow_up_count", "follow_up_done_count")


@pytest.fixture
def setup(personas: Personas) -> Personas:
    cf.categories()
    ensure_risk_levels()
    return personas


def quarrel(actor: Any, risk: str = "yellow", days: int = 0) -> Dispute:
    parties = [disputes.PartyInput(name="张某"), disputes.PartyInput(name="李某")]
    day = TODAY - dt.timedelta(days=days)
    data = disputes.DisputeInput(
        "漏水纠纷", "neighbours", "楼上漏水", day, risk, *cf.GRID_1_POINT, parties=parties
    )
    return disputes.open_dispute(actor, data)


def sign(actor: Any, dispute: Dispute, deadline: dt.date = TODAY) -> Any:
    data = agreements.AgreementInput("事实", "争议", "条款", "现金", "调解室", deadline, TODAY, True, True)
    return agreements.make_agreement(actor, dispute.pk, dispute.version, data)


def copies(dispute: Dispute) -> tuple[Any, ...]:
    return tuple(Dispute.objects.values_list(*COPIES).get(pk=dispute.pk))


def recounted(dispute: Dispute) -> tuple[Any, ...]:
    """The same values worked out from the records they copy."""
    referrals = dispute.police_referrals.all()
    police = "answered" if referrals.exclude(answered_at=None) else "referred" if referrals else ""
    agreement = Agreement.objects.filter(dispute=dispute).first()
    follow_ups = FollowUp.objects.filter(agreement__dispute=dispute)
    heavy = any(p.visits.count() > 1 for p in dispute.parties.all())
    performance = agreement.performance if agreement else ""
    done = follow_ups.exclude(done_on=None).count()
    return (police, performance, heavy, follow_ups.count(), done)


def test_a_new_dispute_has_nothing_to_copy(setup: Personas) -> None:
    dispute = quarrel(setup.worker)
    assert copies(dispute) == ("", "", False, 0, 0) == recounted(dispute)


def test_the_police_referral_and_its_answer_are_copied(setup: Personas) -> None:
    red = quarrel(setup.worker, risk="red")
    assert copies(red)[0] == "referred" == recounted(red)[0]
    disputes.answer_referral(setup.officer, red.police_referrals.get().pk, "已处置")
    assert copies(red)[0] == "answered" == recounted(red)[0]
    # A second referral (the risk rises again) leaves the dispute answered: one answer is enough.
    disputes.refer_to_police(red, "再次升级")
    assert copies(red)[0] == "answered" == recounted(red)[0]


def test_the_agreement_and_its_follow_ups_are_copied(setup: Personas) -> None:
    dispute = quarrel(setup.worker, days=20)
    agreement = sign(setup.worker, dispute)
    assert copies(dispute) == ("", "pending", False, 2, 0) == recounted(dispute)
    first, second = agreement.follow_ups.all()
    agreements.record_follow_up(setup.worker, first.pk, "部分履行", "pending")
    assert copies(dispute) == ("", "pending", False, 2, 1) == recounted(dispute)
    agreements.record_follow_up(setup.worker, first.pk, "再访：已履行", "performed")  # the same one again
    assert copies(dispute) == ("", "performed", False, 2, 1) == recounted(dispute)
    agreements.record_follow_up(setup.worker, second.pk, "反悔", "broken")
    assert copies(dispute) == ("", "broken", False, 2, 2) == recounted(dispute)


def test_a_second_visit_marks_the_dispute(setup: Personas) -> None:
    sd = setup.operator.scope_sub_district
    assert sd is not None
    centre = MediationCentre.objects.create(name="矛调中心", level="sub_district", sub_district=sd)
    dispute = quarrel(setup.worker)
    first, second = dispute.parties.all()
    agreements.record_visit(setup.worker, first.pk, centre.pk, TODAY)
    agreements.record_visit(setup.worker, second.pk, centre.pk, TODAY)
    assert copies(dispute)[2] is False  # two parties once each: nobody came twice
    agreements.record_visit(setup.worker, second.pk, centre.pk, TODAY)
    assert copies(dispute)[2] is True and recounted(dispute)[2] is True


def test_follow_ups_due_later_are_not_due_yet(setup: Personas) -> None:
    """Follow-ups not done count as due once their day has come: the figures' subtraction of those due
    after today, against the follow-ups themselves, on several days."""
    signed = sign(setup.worker, quarrel(setup.worker, days=5), deadline=TODAY + dt.timedelta(days=10))
    dues = sorted(signed.follow_ups.values_list("due", flat=True))
    assert dues[0] > TODAY
    agreements.record_follow_up(setup.worker, signed.follow_ups.order_by("due")[1].pk, "提前回访", "pending")
    for today in (TODAY, dues[0], dues[1] - dt.timedelta(days=1), dues[1], dues[1] + dt.timedelta(days=9)):
        total = report(setup.worker, "sub_district", SD, TODAY - dt.timedelta(days=30), TODAY, today).total
        expected = FollowUp.objects.filter(done_on=None, due__lte=today).count()
        assert (total.follow_ups, total.follow_ups_done, total.follow_ups_due) == (2, 1, expected), today


def test_the_data_migration_fills_the_copies_from_the_records(setup: Personas) -> None:
    red = quarrel(setup.worker, risk="red")
    disputes.answer_referral(setup.officer, red.police_referrals.get().pk, "已处置")
    signed = sign(setup.worker, quarrel(setup.worker, days=3))
    agreements.record_follow_up(setup.worker, signed.follow_ups.all()[0].pk, "已履行", "performed")
    plain = quarrel(setup.worker)
    made = [red, signed.dispute, plain]
    expected = [copies(d) for d in made]
    assert expected == [recounted(d) for d in made]
    # As the rows stood before the migration: plain querysets, so no audit entries either.
    QuerySet(model=Dispute).update(
        police_status="", performance="", ran_more_than_once=False, follow_up_count=0, follow_up_done_count=0
    )
    FILL.fill(apps, SimpleNamespace(connection=connection))
    assert [copies(d) for d in made] == expected
