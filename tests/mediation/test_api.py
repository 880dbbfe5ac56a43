"""The mediation API with the personas of the small map: scope, the ladder, agreements, bad input."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
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


def post(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.post(f"/api/v1{path}", json.dumps(data, default=str), content_type="application/json")


def quarrel(**change: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "邻里争吵：楼道堆放杂物",
        "kind": "neighbours",
        "matter": "3幢张某在楼道堆放杂物，李某多次清理引发争吵",
        "happened_on": TODAY.isoformat(),
        "risk": "yellow",
        "grid": GRID_1,
        "parties": [{"name": "张某", "phone": "13800001234"}, {"name": "李某"}],
    }
    body.update(change)
    return body


def opened(client: Any, **change: Any) -> dict[str, Any]:
    answer = post(client, "/disputes", quarrel(**change))
    assert answer.status_code == 201, answer.content
    body: dict[str, Any] = answer.json()
    return body


def test_grid_worker_opens_a_dispute_in_her_grid_and_others_cannot_see_it(
    setup: Personas, client_for: Any
) -> None:
    worker = client_for(setup.worker)
    dispute = opened(worker)
    assert dispute["tier"] == 1 and dispute["grid"]["code"] == GRID_1 and dispute["days_left"] == 30
    assert dispute["parties"][0]["phone"] == "138****1234"  # masked, never the number
    assert "13800001234" not in json.dumps(dispute)
    assert dispute["risk"]["rule"] == "网格员就地化解" and not dispute["police"]
    listed = worker.get("/api/v1/disputes?risk=yellow&tier=1&outcome=open").json()
    assert [d["id"] for d in listed["results"]] == [dispute["id"]]
    assert worker.get("/api/v1/disputes?risk=red").json()["count"] == 0
    other = client_for(setup.other_worker)
    assert other.get(f"/api/v1/disputes/{dispute['id']}").status_code == 404
    assert other.get("/api/v1/disputes").json()["count"] == 0
    refused = post(other, f"/disputes/{dispute['id']}/sessions", {"version": 1, "held_on": TODAY})
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"


def test_a_place_outside_ones_grids_is_refused_and_nothing_stored(setup: Personas, client_for: Any) -> None:
    other = client_for(setup.other_worker)
    answer = post(other, "/disputes", quarrel(grid="", lng=cf.GRID_1_POINT[0], lat=cf.GRID_1_POINT[1]))
    assert answer.status_code == 400 and "location" in answer.json()["error"]["fields"]
    assert post(other, "/disputes", quarrel()).json()["error"]["fields"].keys() == {"grid"}
    assert not Dispute.objects.exists()


def test_a_party_not_in_scope_is_an_error_and_nothing_is_stored(setup: Personas, client_for: Any) -> None:
    p = setup
    home = pf.household(p.other_worker, pf.building(p.other_worker, col=1))
    stranger = pf.register(p.other_worker, home, "王某", pf.TANG_ID)
    answer = post(
        client_for(p.worker), "/disputes", quarrel(parties=[{"name": "张某"}, {"resident_id": stranger.pk}])
    )
    assert answer.status_code == 400
    body = answer.json()["error"]
    assert body["code"] == "invalid" and "parties.1" in body["fields"]
    assert not Dispute.objects.exists()


def test_the_ladder_sessions_tiers_and_the_top(setup: Personas, client_for: Any) -> None:
    worker = client_for(setup.worker)
    d = opened(worker)
    early = post(
        worker,
        f"/disputes/{d['id']}/sessions",
        {
            "version": d["version"],
            "held_on": TODAY - dt.timedelta(days=2),
            "place": "楼下",
            "attendees": "双方",
            "summary": "调解",
        },
    )
    assert early.status_code == 400 and "held_on" in early.json()["error"]["fields"]
    assert not Session.objects.exists()
    d = post(
        worker,
        f"/disputes/{d['id']}/sessions",
        {
            "version": d["version"],
            "held_on": TODAY,
            "place": "3幢楼下",
            "attendees": "陈慧玲、张某、李某",
            "summary": "双方各退一步",
        },
    ).json()
    assert d["sessions"][0]["place"] == "3幢楼下" and d["timeline"][-1]["action"] == "session"
    no_reason = post(worker, f"/disputes/{d['id']}/tier", {"version": d["version"], "reason": " "})
    assert no_reason.status_code == 400
    for tier in range(2, 6):
        d = post(worker, f"/disputes/{d['id']}/tier", {"version": d["version"], "reason": "未能化解"}).json()
        assert d["tier"] == tier
    top = post(worker, f"/disputes/{d['id']}/tier", {"version": d["version"], "reason": "再上一级"})
    assert top.status_code == 409 and top.json()["error"]["code"] == "top_tier"
    d = post(
        worker, f"/disputes/{d['id']}/extend", {"version": d["version"], "days": 15, "consent": "双方同意"}
    ).json()
    assert d["days_left"] == 45
    d = post(
        worker,
        f"/disputes/{d['id']}/end",
        {"version": d["version"], "outcome": "referred", "note": "调解不成", "referral": "court"},
    ).json()
    assert d["outcome"] == "referred" and d["days_left"] is None


def test_two_mediators_at_once_the_second_is_told(setup: Personas, client_for: Any) -> None:
    worker, operator = client_for(setup.worker), client_for(setup.operator)
    d = opened(worker)
    first = post(worker, f"/disputes/{d['id']}/tier", {"version": d["version"], "reason": "需要村里出面"})
    assert first.status_code == 200
    second = post(
        operator,
        f"/disputes/{d['id']}/sessions",
        {"version": d["version"], "held_on": TODAY, "place": "a", "attendees": "b", "summary": "c"},
    )
    assert second.status_code == 409 and second.json()["error"]["code"] == "conflict"
    assert second.json()["error"]["message"] and not Session.objects.exists()


def agreement_body(version: int, **change: Any) -> dict[str, Any]:
    body = {
        "version": version,
        "facts": "张某在楼道堆放杂物",
        "matters": "楼道属公共区域，张某负主要责任",
        "terms": "张某三日内清理杂物，今后不再堆放",
        "performance_manner": "张某自行清理，网格员现场查看",
        "performance_place": "东辉小区3幢楼道",
        "performance_deadline": TODAY + dt.timedelta(days=3),
        "signed_on": TODAY,
        "parties_signed": True,
        "committee_sealed": True,
    }
    body.update(change)
    return body


def test_agreement_follow_ups_and_visits(setup: Personas, client_for: Any) -> None:
    worker = client_for(setup.worker)
    d = opened(worker)
    missing = post(worker, f"/disputes/{d['id']}/agreement", agreement_body(d["version"], terms="", facts=""))
    assert missing.status_code == 400 and {"terms", "facts"} <= missing.json()["error"]["fields"].keys()
    assert not Agreement.objects.exists()
    d = post(worker, f"/disputes/{d['id']}/agreement", agreement_body(d["version"])).json()
    agreement = d["agreement"]
    assert d["outcome"] == "agreement" and agreement["effective"]
    assert agreement["judicial_confirmation_by"] == (TODAY + dt.timedelta(days=30)).isoformat()
    assert len(agreement["follow_ups"]) == 2 and agreement["print_url"].endswith("/print")
    done = post(
        worker,
        f"/follow-ups/{agreement['follow_ups'][0]['id']}",
        {"note": "已清理", "performance": "performed"},
    )
    assert done.json()["agreement"]["performance"] == "performed"
    again = post(
        worker, f"/disputes/{d['id']}/sessions", {"version": done.json()["version"], "held_on": TODAY}
    )
    assert again.status_code == 409  # mediation has ended


def test_the_officer_sees_the_referred_dispute_answers_and_joins(setup: Personas, client_for: Any) -> None:
    worker, officer = client_for(setup.worker), client_for(setup.officer)
    d = opened(worker, title="邻里纠纷，一方扬言报复", risk="orange", violence_risk=True)
    assert d["police"] and d["police_referrals"][0]["officer"] == "林会兵"
    listed = officer.get("/api/v1/disputes?police=true").json()
    assert [x["id"] for x in listed["results"]] == [d["id"]]
    referral = d["police_referrals"][0]["id"]
    not_police = post(worker, f"/referrals/{referral}/answer", {"answer": "我来回复"})
    assert not_police.status_code == 403 and not_police.json()["error"]["code"] == "forbidden"
    empty = post(officer, f"/referrals/{referral}/answer", {"answer": ""})
    assert empty.status_code == 400
    answered = post(officer, f"/referrals/{referral}/answer", {"answer": "已上门警示，双方情绪稳定"}).json()
    assert answered["police_referrals"][0]["answered_at"] and "林会兵" in answered["participants"]
    assert (
        post(client_for(setup.other_worker), f"/referrals/{referral}/answer", {"answer": "x"}).status_code
        == 404
    )


def test_clues_answer_with_the_early_warning(setup: Personas, client_for: Any) -> None:
    p = setup
    worker = client_for(p.worker)
    lin = pf.register(p.worker, pf.household(p.worker, pf.building(p.worker)), "林某", pf.LIN_DANIANG_ID)
    d = opened(worker, risk="blue", parties=[{"resident_id": lin.pk}, {"name": "邻居"}])
    body = {
        "grid": GRID_1,
        "kind": "tendency",
        "source": "邻居反映",
        "found_on": TODAY,
        "description": "又吵起来了",
        "resident_ids": [lin.pk],
    }
    answers = [post(worker, "/clues", body) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[0].json()["warning"] is None
    warning = answers[2].json()["warning"]
    assert warning["raised"] == [d["id"]] and "林某" in warning["reason"]
    assert worker.get(f"/api/v1/disputes/{d['id']}").json()["risk"]["code"] == "yellow"
    outside = post(client_for(p.other_worker), "/clues", body)
    assert outside.status_code == 400 and Clue.objects.count() == 3


def test_consultation_with_a_funding_plan_that_adds_up(setup: Personas, client_for: Any) -> None:
    cadre = client_for(setup.cadre)
    village = "331081001201"
    c = post(
        cadre,
        "/consultations",
        {
            "village": village,
            "title": "环山休闲绿道",
            "proposal": "建设环山绿道",
            "proposed_by": "村民代表12人",
            "proposed_on": TODAY,
        },
    ).json()
    c = post(
        cadre,
        f"/consultations/{c['id']}/meetings",
        {
            "version": c["version"],
            "held_on": TODAY,
            "place": "村矛调中心",
            "attendance": 35,
            "attendees": "村两委、村民代表",
            "minutes": "讨论线路与筹资",
        },
    ).json()
    assert c["status"] == "discussing" and c["meetings"][0]["attendance"] == 35
    shares = [
        {"source": "residents", "amount": "200000"},
        {"source": "village", "amount": 300000},
        {"source": "enterprise", "amount": "250000"},
        {"source": "subsidy", "amount": "250000"},
    ]
    decision = {
        "version": c["version"],
        "adopted": True,
        "decision": "建设绿道",
        "decided_on": TODAY,
        "total": "900000",
        "shares": shares,
    }
    wrong = post(cadre, f"/consultations/{c['id']}/decision", decision)
    assert wrong.status_code == 400 and "shares" in wrong.json()["error"]["fields"]
    assert not FundingShare.objects.exists()
    c = post(cadre, f"/consultations/{c['id']}/decision", {**decision, "total": "1000000"}).json()
    assert c["status"] == "decided" and len(c["shares"]) == 4
    stale = post(
        cadre,
        f"/consultations/{c['id']}/progress",
        {"version": c["version"] - 1, "on": TODAY, "percent": 50, "note": "路基"},
    )
    assert stale.status_code == 409
    c = post(
        cadre,
        f"/consultations/{c['id']}/progress",
        {"version": c["version"], "on": TODAY, "percent": 100, "note": "建成"},
    ).json()
    assert c["status"] == "completed" and c["progress"] == 100
    assert client_for(setup.worker).get(f"/api/v1/consultations/{c['id']}").status_code == 404
    assert Consultation.objects.count() == 1
