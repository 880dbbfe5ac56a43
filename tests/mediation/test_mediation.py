"""Disputes and consultations at the service level: stories 3 and 4, the ladder, and bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from gridgov.cases.models import Case, Notification
from gridgov.core.errors import ApiError, Invalid
from gridgov.mediation.defaults import ensure_risk_levels
from gridgov.mediation.models import Agreement, Consultation, Dispute, FundingShare, Session
from gridgov.mediation.services import agreements, clues, consultations, disputes, ladder
from tests.cases import factories as cf
from tests.factories import Personas
from tests.people import factories as pf

TODAY = timezone.localdate()


@pytest.fixture
def setup(personas: Personas) -> Personas:
    cf.categories()
    ensure_risk_levels()
    return personas


def quarrel(actor: Any, risk: str = "yellow", title: str = "楼上楼下漏水纠纷", **extra: Any) -> Dispute:
    parties = extra.pop("parties", [disputes.PartyInput(name="张某"), disputes.PartyInput(name="李某")])
    return disputes.open_dispute(
        actor,
        disputes.DisputeInput(
            title=title,
            kind="neighbours",
            matter="楼上卫生间漏水到楼下，双方争执",
            happened_on=TODAY,
            risk=risk,
            lng=cf.GRID_1_POINT[0],
            lat=cf.GRID_1_POINT[1],
            parties=parties,
            **extra,
        ),
    )


def agreement_input(**change: Any) -> agreements.AgreementInput:
    data = dict(
        facts="楼上漏水致楼下天花板受损",
        matters="维修责任在楼上",
        terms="楼上负责维修并赔偿500元",
        performance_manner="现金支付并请师傅维修",
        performance_place="东辉社区调解室",
        performance_deadline=TODAY + dt.timedelta(days=10),
        signed_on=TODAY,
        parties_signed=True,
        committee_sealed=True,
    )
    data.update(change)
    return agreements.AgreementInput(**data)  # type: ignore[arg-type]


def test_story_4a_a_quarrel_settled_on_the_spot_with_an_agreement(setup: Personas) -> None:
    p = setup
    dispute = quarrel(p.worker)
    assert dispute.tier == 1 and dispute.case.state == "in_progress"  # taken on by the finder at once
    ladder.record_session(
        p.worker,
        dispute.pk,
        dispute.version,
        ladder.SessionInput(
            TODAY, "东辉社区3幢楼下", "陈慧玲、张某、李某、邻居王阿姨", "双方同意楼上负责维修"
        ),
    )
    dispute.refresh_from_db()
    agreement = agreements.make_agreement(p.worker, dispute.pk, dispute.version, agreement_input())
    dispute.refresh_from_db()
    assert dispute.outcome == "agreement" and agreement.effective
    assert Case.objects.get(pk=dispute.case_id).state == "resolved"
    assert agreements.judicial_confirmation_by(agreement) == TODAY + dt.timedelta(days=30)
    assert agreement.follow_ups.count() == 2
    follow_up = agreement.follow_ups.first()
    assert follow_up is not None
    agreements.record_follow_up(p.worker, follow_up.pk, "已维修完毕，赔偿已付", "performed")
    assert Agreement.objects.get(pk=agreement.pk).performance == "performed"
    assert not dispute.police_referrals.exists()


def test_story_4b_a_quarrel_at_risk_of_violence_goes_to_the_officer_who_joins(setup: Personas) -> None:
    p = setup
    dispute = quarrel(p.worker, risk="orange", title="邻里纠纷，一方扬言报复", violence_risk=True)
    referral = dispute.police_referrals.get()
    assert referral.officer == p.officer
    assert Notification.objects.filter(user=p.officer, kind="police_referral").exists()
    assert dispute.participants.filter(pk=p.officer.pk).exists()
    disputes.answer_referral(p.officer, referral.pk, "已上门警告，双方情绪稳定")
    referral.refresh_from_db()
    assert referral.answered_at is not None
    assert Dispute.objects.restrict(p.officer).filter(pk=dispute.pk).exists()


def test_red_risk_refers_to_the_police_at_once(setup: Personas) -> None:
    dispute = quarrel(setup.worker, risk="red")
    assert dispute.police_referrals.count() == 1


def test_the_ladder_one_tier_at_a_time_with_a_reason_and_no_further_than_five(setup: Personas) -> None:
    p = setup
    dispute = quarrel(p.worker)
    with pytest.raises(Invalid):
        ladder.escalate_tier(p.worker, dispute.pk, dispute.version, "")
    for tier in range(2, 6):
        dispute = ladder.escalate_tier(p.worker, dispute.pk, dispute.version, f"第{tier - 1}级未能化解")
        assert dispute.tier == tier
    with pytest.raises(ApiError) as top:
        ladder.escalate_tier(p.worker, dispute.pk, dispute.version, "再上")
    assert top.value.code == "top_tier"
    dispute = ladder.end(p.worker, dispute.pk, dispute.version, "referred", "调解不成", referral="court")
    ended = dispute.case.events.get(action="mediation_end")
    assert dispute.outcome == "referred" and ended.data["referral"] == "court"
    assert dispute.case.events.filter(action="tier").count() == 4


def test_bad_input_changes_nothing(setup: Personas) -> None:
    p = setup
    dispute = quarrel(p.worker)
    with pytest.raises(Invalid) as early:
        ladder.record_session(
            p.worker,
            dispute.pk,
            dispute.version,
            ladder.SessionInput(TODAY - dt.timedelta(days=3), "x", "y", "z"),
        )
    assert "held_on" in early.value.fields and not Session.objects.exists()
    with pytest.raises(Invalid) as missing:
        agreements.make_agreement(p.worker, dispute.pk, dispute.version, agreement_input(terms="", facts=""))
    assert {"terms", "facts"} <= set(missing.value.fields)
    assert not Agreement.objects.exists()
    dispute.refresh_from_db()
    assert dispute.outcome == "open"


def test_a_party_outside_ones_scope_is_refused(setup: Personas) -> None:
    p = setup
    building = pf.building(p.other_worker, col=1)
    home = pf.household(p.other_worker, building)
    stranger = pf.register(p.other_worker, home, "王某", pf.TANG_ID)
    before = Dispute.objects.count()
    with pytest.raises(Invalid) as refused:
        quarrel(
            p.worker, parties=[disputes.PartyInput(name="张某"), disputes.PartyInput(resident_id=stranger.pk)]
        )
    assert "parties.1" in refused.value.fields and Dispute.objects.count() == before


def test_two_mediators_at_once_one_wins(setup: Personas) -> None:
    p = setup
    dispute = quarrel(p.worker)
    version = dispute.version
    ladder.escalate_tier(p.worker, dispute.pk, version, "需要村里出面")
    with pytest.raises(ApiError) as lost:
        ladder.record_session(p.operator, dispute.pk, version, ladder.SessionInput(TODAY, "a", "b", "c"))
    assert lost.value.code == "conflict" and not Session.objects.exists()


def test_repeated_clues_raise_the_risk_and_say_why(setup: Personas) -> None:
    p = setup
    building = pf.building(p.worker)
    home = pf.household(p.worker, building)
    lin = pf.register(p.worker, home, "林某", pf.LIN_DANIANG_ID)
    dispute = quarrel(
        p.worker,
        risk="blue",
        parties=[disputes.PartyInput(resident_id=lin.pk), disputes.PartyInput(name="邻居")],
    )
    warning = None
    for n in range(3):
        _clue, warning = clues.record_clue(
            p.worker,
            clues.ClueInput(
                grid_code="331081001001001",
                kind="tendency",
                source="邻居反映",
                found_on=TODAY,
                description=f"第{n + 1}次争吵",
                resident_ids=[lin.pk],
            ),
        )
    assert warning is not None and warning.raised == [dispute.pk] and "3" in warning.reason
    dispute.refresh_from_db()
    assert dispute.risk.code == "yellow" and "林某" in dispute.risk_reason


def test_story_3_wushan_greenway_consultation_and_funding_plan(setup: Personas) -> None:
    p = setup
    village = p.cadre.scope_village
    assert village is not None
    item = consultations.propose(
        p.cadre,
        village.code,
        "环山休闲绿道",
        "村民希望建设环山休闲绿道",
        "村民代表12人",
        TODAY - dt.timedelta(days=20),
    )
    item = consultations.consultation_for(p.cadre, item.pk)
    consultations.hold_meeting(
        p.cadre,
        item.pk,
        item.version,
        TODAY - dt.timedelta(days=10),
        "村矛调中心",
        35,
        "村两委、村民代表、街道工作人员",
        "讨论线路与筹资方式",
    )
    item.refresh_from_db()
    shares = [
        consultations.ShareInput("residents", "200000", "群众自筹"),
        consultations.ShareInput("village", "300000", "村集体"),
        consultations.ShareInput("enterprise", "250000", "某某企业"),
        consultations.ShareInput("subsidy", "250000", "城西街道"),
    ]
    with pytest.raises(Invalid) as wrong:
        consultations.decide(
            p.cadre,
            item.pk,
            item.version,
            adopted=True,
            decision="建设绿道",
            decided_on=TODAY,
            total="900000",
            shares=shares,
        )
    assert "shares" in wrong.value.fields and not FundingShare.objects.exists()
    item = consultations.decide(
        p.cadre,
        item.pk,
        item.version,
        adopted=True,
        decision="建设绿道",
        decided_on=TODAY,
        total="1000000",
        shares=shares,
    )
    assert item.status == "decided" and item.total == Decimal("1000000.00")
    item = consultations.report_progress(p.cadre, item.pk, item.version, TODAY, 60, "路基完成")
    item = consultations.report_progress(p.cadre, item.pk, item.version, TODAY, 100, "绿道建成")
    assert item.status == "completed" and Consultation.objects.restrict(p.worker).count() == 0
