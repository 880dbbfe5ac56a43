"""The mediation pages with the personas: scope, screening, the ladder's forms, agreements, consultations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.mediation.defaults import ensure_risk_levels
from gridgov.mediation.models import Agreement, Clue, Consultation, Dispute, FundingShare, Session
from tests.cases import factories as cf
from tests.factories import Personas
from tests.people import factories as pf

TODAY = timezone.localdate()
GRID_1 = "331081001001001"


@pytest.fixture
def setup(personas: Personas) -> Personas:
    cf.categories()
    ensure_risk_levels()
    return personas


def open_quarrel(client: Client, **change: Any) -> Any:
    data: dict[str, Any] = {
        "title": "邻里争吵：楼道堆放杂物",
        "kind": "neighbours",
        "matter": "张某在楼道堆放杂物，李某多次清理引发争吵",
        "happened_on": TODAY.isoformat(),
        "risk": "yellow",
        "grid": GRID_1,
        "party_kind": ["person", "person"],
        "party_resident": ["", ""],
        "party_label": ["", ""],
        "party_name": ["张某", "李某"],
        "party_phone": ["13800001234", ""],
        "party_address": ["3幢201", "3幢301"],
    }
    data.update(change)
    return client.post("/mediation/screening/dispute/", data)


def opened(client: Client, **change: Any) -> Dispute:
    answer = open_quarrel(client, **change)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return Dispute.objects.latest("pk")


def test_worker_lists_and_reads_her_disputes_others_get_404(setup: Personas, client_for: Any) -> None:
    worker = client_for(setup.worker)
    dispute = opened(worker)
    listed = worker.get("/mediation/").content.decode()
    assert "邻里争吵：楼道堆放杂物" in listed and 'data-testid="risk-badge"' in listed and "黄色" in listed
    assert 'data-testid="days-left"' in listed and 'data-testid="tier"' in listed
    page = worker.get(f"/mediation/disputes/{dispute.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "138****1234" in html and "13800001234" not in html
    assert 'data-testid="current-tier"' in html and "网格员就地化解" in html
    assert page["Cache-Control"] == "no-store, private"
    other = client_for(setup.other_worker)
    assert other.get(f"/mediation/disputes/{dispute.pk}/").status_code == 404
    assert "邻里争吵" not in other.get("/mediation/").content.decode()
    assert worker.get("/mediation/?risk=red").content.decode().count('data-testid="dispute-') == 0


def test_screening_a_clue_and_the_early_warning(setup: Personas, client_for: Any) -> None:
    p = setup
    worker = client_for(p.worker)
    assert worker.get("/mediation/screening/").status_code == 200
    lin = pf.register(p.worker, pf.household(p.worker, pf.building(p.worker)), "林某", pf.LIN_DANIANG_ID)
    found = worker.get("/mediation/people/?q=林").content.decode()
    assert f'data-id="{lin.pk}"' in found
    assert "林某" not in client_for(p.other_worker).get("/mediation/people/?q=林").content.decode()
    clue = {
        "grid": GRID_1,
        "kind": "tendency",
        "source": "邻居反映",
        "found_on": TODAY,
        "description": "又吵",
    }
    for _ in range(3):
        answer = worker.post("/mediation/screening/clue/", {**clue, "resident_ids": [lin.pk]})
        assert answer.status_code == 302
    page = worker.get("/mediation/screening/").content.decode()
    assert 'data-testid="early-warning"' in page and "林某" in page
    assert Clue.objects.count() == 3
    empty = worker.post("/mediation/screening/clue/", {**clue, "description": ""})
    assert empty.status_code == 400 and Clue.objects.count() == 3


def test_a_party_not_in_scope_is_an_error_and_nothing_is_stored(setup: Personas, client_for: Any) -> None:
    p = setup
    home = pf.household(p.other_worker, pf.building(p.other_worker, col=1))
    stranger = pf.register(p.other_worker, home, "王某", pf.TANG_ID)
    answer = open_quarrel(
        client_for(p.worker), party_resident=["", str(stranger.pk)], party_name=["张某", "王某"]
    )
    assert answer.status_code == 400 and 'data-testid="party-error"' in answer.content.decode()
    assert not Dispute.objects.exists()


def test_the_ladder_from_the_page(setup: Personas, client_for: Any) -> None:
    worker = client_for(setup.worker)
    d = opened(worker)
    early = worker.post(
        f"/mediation/disputes/{d.pk}/session/",
        {
            "version": d.version,
            "held_on": TODAY - dt.timedelta(days=3),
            "place": "楼下",
            "attendees": "双方",
            "summary": "谈",
        },
    )
    assert early.status_code == 400 and 'data-testid="error-held_on"' in early.content.decode()
    assert not Session.objects.exists()
    for _tier in range(2, 6):
        d.refresh_from_db()
        assert (
            worker.post(
                f"/mediation/disputes/{d.pk}/escalate/", {"version": d.version, "reason": "未能化解"}
            ).status_code
            == 302
        )
    d.refresh_from_db()
    assert d.tier == 5
    page = worker.get(f"/mediation/disputes/{d.pk}/").content.decode()
    assert 'data-testid="action-escalate"' not in page  # no button past the top tier
    top = worker.post(f"/mediation/disputes/{d.pk}/escalate/", {"version": d.version, "reason": "再上"})
    assert top.status_code == 409 and 'data-testid="action-error"' in top.content.decode()


def test_two_mediators_the_second_is_told_to_reload(setup: Personas, client_for: Any) -> None:
    worker, operator = client_for(setup.worker), client_for(setup.operator)
    d = opened(worker)
    assert (
        worker.post(
            f"/mediation/disputes/{d.pk}/escalate/", {"version": d.version, "reason": "村里出面"}
        ).status_code
        == 302
    )
    lost = operator.post(
        f"/mediation/disputes/{d.pk}/session/",
        {"version": d.version, "held_on": TODAY, "place": "a", "attendees": "b", "summary": "c"},
    )
    assert lost.status_code == 409 and "Reload" not in lost.content.decode()  # said in Chinese
    assert "刷新" in lost.content.decode() and not Session.objects.exists()


def test_agreement_missing_elements_then_signed_and_printed(setup: Personas, client_for: Any) -> None:
    worker = client_for(setup.worker)
    d = opened(worker)
    form = worker.get(f"/mediation/disputes/{d.pk}/agreement/")
    assert form.status_code == 200 and d.matter in form.content.decode()
    good = {
        "version": d.version,
        "facts": "张某在楼道堆放杂物",
        "matters": "张某负主要责任",
        "terms": "张某三日内清理杂物",
        "performance_manner": "自行清理",
        "performance_place": "3幢楼道",
        "performance_deadline": TODAY + dt.timedelta(days=3),
        "signed_on": TODAY,
        "parties_signed": "on",
        "committee_sealed": "on",
    }
    missing = worker.post(f"/mediation/disputes/{d.pk}/agreement/", {**good, "terms": "", "facts": ""})
    html = missing.content.decode()
    assert (
        missing.status_code == 400
        and 'data-testid="error-terms"' in html
        and 'data-testid="error-facts"' in html
    )
    assert not Agreement.objects.exists()
    signed = worker.post(f"/mediation/disputes/{d.pk}/agreement/", good)
    assert signed.status_code == 302
    agreement = Agreement.objects.get()
    page = worker.get(f"/mediation/disputes/{d.pk}/").content.decode()
    assert f"/mediation/agreements/{agreement.pk}/print" in page and 'data-testid="confirmation-note"' in page
    printed = worker.get(f"/mediation/agreements/{agreement.pk}/print")
    text = printed.content.decode()
    assert printed.status_code == 200 and "人民调解协议书" in text and "三十日内" in text
    assert "张某三日内清理杂物" in text and "印章" in text
    assert (
        client_for(setup.other_worker).get(f"/mediation/agreements/{agreement.pk}/print").status_code == 404
    )


def test_the_officer_sees_answers_and_joins_the_worker_cannot_answer(
    setup: Personas, client_for: Any
) -> None:
    worker, officer = client_for(setup.worker), client_for(setup.officer)
    d = opened(worker, title="邻里纠纷，一方扬言报复", risk="orange", violence_risk="on")
    referral = d.police_referrals.get()
    assert 'data-testid="police-badge"' in officer.get("/mediation/?police=1").content.decode()
    page = officer.get(f"/mediation/disputes/{d.pk}/").content.decode()
    assert 'data-testid="answer-form"' in page
    assert worker.post(f"/mediation/referrals/{referral.pk}/answer/", {"answer": "x"}).status_code == 403
    answered = officer.post(
        f"/mediation/referrals/{referral.pk}/answer/", {"answer": "已上门警示，双方情绪稳定"}
    )
    assert answered.status_code == 302
    page = officer.get(f"/mediation/disputes/{d.pk}/").content.decode()
    assert 'data-testid="referral-answer"' in page and "已上门警示" in page
    assert d.participants.filter(pk=setup.officer.pk).exists()


def test_consultation_pages_and_a_plan_that_must_add_up(setup: Personas, client_for: Any) -> None:
    cadre = client_for(setup.cadre)
    assert cadre.get("/mediation/consultations/new/").status_code == 200
    made = cadre.post(
        "/mediation/consultations/new/",
        {
            "village": "331081001201",
            "title": "环山休闲绿道",
            "proposal": "建设环山绿道",
            "proposed_by": "村民代表",
            "proposed_on": TODAY,
        },
    )
    assert made.status_code == 302
    c = Consultation.objects.get()
    assert (
        cadre.post(
            f"/mediation/consultations/{c.pk}/meeting/",
            {
                "version": c.version,
                "held_on": TODAY,
                "place": "村矛调中心",
                "attendance": 35,
                "attendees": "村民代表",
                "minutes": "讨论筹资",
            },
        ).status_code
        == 302
    )
    c.refresh_from_db()
    plan = {
        "version": c.version,
        "adopted": "1",
        "decision": "建设绿道",
        "decided_on": TODAY,
        "total": "1000000",
        "share_source": ["residents", "village", "enterprise", "subsidy"],
        "share_contributor": ["群众", "村集体", "企业", "街道"],
        "share_amount": ["200000", "300000", "250000", "200000"],
    }
    wrong = cadre.post(f"/mediation/consultations/{c.pk}/decide/", plan)
    assert wrong.status_code == 400 and 'data-testid="plan-error"' in wrong.content.decode()
    assert not FundingShare.objects.exists()
    plan["share_amount"] = ["200000", "300000", "250000", "250000"]
    assert cadre.post(f"/mediation/consultations/{c.pk}/decide/", plan).status_code == 302
    page = cadre.get(f"/mediation/consultations/{c.pk}/").content.decode()
    assert 'data-testid="plan-pie"' in page and "25.0%" in page and "群众自筹" in page
    c.refresh_from_db()
    done = cadre.post(
        f"/mediation/consultations/{c.pk}/progress/",
        {"version": c.version, "on": TODAY, "percent": 100, "note": "绿道建成"},
    )
    assert done.status_code == 302 and Consultation.objects.get().status == "completed"
    assert client_for(setup.worker).get(f"/mediation/consultations/{c.pk}/").status_code == 404


def test_back_office_reads_disputes_and_keeps_risk_levels(setup: Personas, client_for: Any) -> None:
    opened(client_for(setup.worker))
    admin = client_for(setup.admin)
    assert admin.get("/admin/mediation/risklevel/").status_code == 200
    d = Dispute.objects.get()
    change = admin.get(f"/admin/mediation/dispute/{d.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert admin.get("/admin/mediation/dispute/add/").status_code == 403
