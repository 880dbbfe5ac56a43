"""The demo's mediation data on top of the Wenling demo: centres, disputes, clues and 吴山村's greenway."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from gridgov.accounts.models import User
from gridgov.cases.models import Case
from gridgov.core.models import AuditEntry
from gridgov.demo.mediation import GREENWAY, WARNED, load_mediation, plan
from gridgov.demo.people import CHENGXI, TAIPING
from gridgov.mediation.figures import report
from gridgov.mediation.models import (
    Agreement,
    Clue,
    Consultation,
    Dispute,
    FollowUp,
    MediationCentre,
    PoliceReferral,
    Visit,
)
from gridgov.mediation.services.agreements import ran_more_than_once

COUNTED = (Dispute, Agreement, FollowUp, PoliceReferral, Visit, Clue, Consultation, MediationCentre, Case)


@pytest.fixture
def loaded(db: Any, settings: Any) -> dict[str, int]:
    """The Wenling demo, then the mediation data (which `gridgov demo` may already have loaded)."""
    settings.GRIDGOV_DEMO_PASSWORD = "Demo-pass-2026"
    call_command("demo", verbosity=0)
    return load_mediation()


def test_chengxis_centre_and_its_twenty_village_centres_with_their_mediators(loaded: dict[str, int]) -> None:
    centre = MediationCentre.objects.get(sub_district__code=CHENGXI, level="sub_district")
    assert centre.name == "城西街道矛调中心" and centre.area_m2 == 400
    assert centre.mediators.filter(username="chengxi_tiaojie").exists()
    villages = MediationCentre.objects.filter(sub_district__code=CHENGXI, level="village").select_related(
        "village"
    )
    assert villages.count() == 20
    for village_centre in villages:
        assert village_centre.village is not None
        assert village_centre.mediators.filter(username=f"wgz{village_centre.village.code}").exists()
    assert villages.get(village__name="渭川村").mediators.filter(username="zhuguifei").exists()
    assert MediationCentre.objects.filter(sub_district__code=TAIPING, level="sub_district").exists()
    assert MediationCentre.objects.count() == 22


def test_disputes_in_both_sub_districts_at_every_tier_and_outcome(loaded: dict[str, int]) -> None:
    assert Dispute.objects.count() == len(plan())
    for code in (CHENGXI, TAIPING):
        assert Dispute.objects.filter(case__village__sub_district__code=code).count() >= 10
    assert set(Dispute.objects.values_list("tier", flat=True)) == {1, 2, 3, 4, 5}
    assert set(Dispute.objects.values_list("outcome", flat=True)) == {
        "open",
        "resolved",
        "agreement",
        "referred",
    }
    assert set(Dispute.objects.exclude(referral="").values_list("referral", flat=True)) == {
        "court",
        "arbitration",
        "administrative",
    }
    assert set(Agreement.objects.values_list("performance", flat=True)) == {"performed", "broken", "pending"}
    assert FollowUp.objects.exclude(done_on=None).exists() and FollowUp.objects.filter(done_on=None).exists()
    assert PoliceReferral.objects.exclude(answered_at=None).count() >= 3
    assert ran_more_than_once(Dispute.objects.all()).count() >= 3
    story = Dispute.objects.get(case__title="楼上楼下漏水纠纷")
    assert story.case.grid.workers.filter(username="chenhuiling").exists() and story.outcome == "agreement"
    # Each step went through the services: on the case's timeline and in the audit trail, as the demo.
    assert story.case.events.filter(action="agreement").exists()
    assert AuditEntry.objects.filter(object_type__icontains="dispute", actor_name="cli:demo").exists()


def test_repeated_clues_raise_an_early_warning(loaded: dict[str, int]) -> None:
    warned = Dispute.objects.get(case__title=WARNED)
    assert warned.risk.code == "orange" and "3" in warned.risk_reason
    assert warned.case.events.filter(action="early_warning").count() == 1
    assert Clue.objects.count() == 5
    assert set(Clue.objects.values_list("kind", flat=True)) == {"incipient", "tendency", "warning"}


def test_wushans_greenway_from_proposal_to_completion(loaded: dict[str, int]) -> None:
    item = Consultation.objects.get(village__name="吴山村", title=GREENWAY)
    meetings = list(item.meetings.all())
    assert len(meetings) == 2 and all(m.attendance > 0 and m.minutes for m in meetings)
    shares = {s.source: s.amount for s in item.shares.all()}
    assert set(shares) == {"residents", "village", "enterprise", "subsidy"}
    assert item.total == sum(shares.values()) == Decimal("1860000.00")
    assert item.status == "completed" and item.progress == 100 and item.reports.count() == 3
    assert item.decided_on is not None and item.decision


def test_the_figures_of_the_demo_read_plausibly(loaded: dict[str, int]) -> None:
    leader = User.objects.get(username="sunmeiling")
    chengxi = report(leader, "sub_district", CHENGXI).total
    assert chengxi.found >= 15 and chengxi.resolved > chengxi.referred > 0
    assert chengxi.share_village is not None and 40 <= chengxi.share_village < 100
    assert chengxi.police_referrals >= 2 and chengxi.follow_ups_done > 0 and chengxi.ran_more_than_once > 0
    centre = report(User.objects.get(username="chengxi_tiaojie"), "centre", CHENGXI).total
    assert 0 < centre.found < chengxi.found


def test_loading_again_adds_nothing(loaded: dict[str, int]) -> None:
    before = {model: model.objects.count() for model in COUNTED}
    entries = AuditEntry.objects.count()
    again = load_mediation()
    assert again == {"centres": 0, "disputes": 0, "clues": 0, "consultations": 0}
    assert {model: model.objects.count() for model in COUNTED} == before
    assert AuditEntry.objects.count() == entries
