"""Dispute figures: the page, the API and the .xlsx export give the same numbers as a naive recount."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from io import BytesIO
from typing import Any

import pytest
from django.urls import Resolver404, include, path, resolve
from django.utils import timezone
from ninja import NinjaAPI, Router
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

import gridgov.urls
from gridgov.accounts.roles import Role
from gridgov.api import api as real_api
from gridgov.core.auth import api_auth
from gridgov.mediation import figures_api
from gridgov.mediation.defaults import ensure_risk_levels
from gridgov.mediation.figures import ENDED_OUTCOMES, Report, report
from gridgov.mediation.figures_views import COLUMNS
from gridgov.mediation.models import Dispute, MediationCentre, Visit
from gridgov.mediation.services import agreements, disputes, ladder
from tests.cases import factories as cf
from tests.factories import Personas, make_user

TODAY = timezone.localdate()
SD, VILLAGE_A, VILLAGE_B, GRID_1 = "331081001", "331081001001", "331081001201", "331081001001001"

# Until the router and the page are mounted for real (gridgov/api.py, gridgov/urls.py), the tests mount
# them here at the same paths, with the real API's error handling.
_test_api = NinjaAPI(urls_namespace="mediation_figures_test", auth=api_auth)
_test_router = Router()
_test_router.get("/figures")(figures_api.figures)
_test_api.add_router("/mediation/", _test_router)
for _exc, _handler in real_api._exception_handlers.items():
    _test_api.add_exception_handler(_exc, _handler)
urlpatterns = [
    path("api/v1/", _test_api.urls),
    path("mediation/figures/", include("gridgov.mediation.figures_urls")),
    *gridgov.urls.urlpatterns,
]


@pytest.fixture(autouse=True)
def _mounted(settings: Any) -> None:
    try:
        resolve("/api/v1/mediation/figures")
        resolve("/mediation/figures/export.xlsx")
    except Resolver404:
        settings.ROOT_URLCONF = __name__


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def open_one(actor: Any, at: tuple[float, float], days: int, risk: str = "yellow", **extra: Any) -> Dispute:
    parties = [disputes.PartyInput(name="张某"), disputes.PartyInput(name="李某")]
    title, matter = f"纠纷{days}{risk}", "邻里之间因琐事争执"
    data = disputes.DisputeInput(title, "neighbours", matter, ago(days), risk, *at, parties=parties, **extra)
    return disputes.open_dispute(actor, data)


def climb(actor: Any, dispute: Dispute, to: int) -> Dispute:
    while dispute.tier < to:
        dispute = ladder.escalate_tier(actor, dispute.pk, dispute.version, "未能化解")
    return dispute


def sign(actor: Any, dispute: Dispute, signed: int) -> Any:
    data = agreements.AgreementInput(
        "事实", "争议", "条款", "现金", "调解室", ago(signed - 10), ago(signed), True, True
    )
    return agreements.make_agreement(actor, dispute.pk, dispute.version, data)


def point(grid: int) -> tuple[float, float]:
    return (cf.GRID_1_POINT[0] + 0.01 * (grid - 1), cf.GRID_1_POINT[1])


@pytest.fixture
def data(personas: Personas) -> Personas:
    """Disputes in all four grids: every outcome, tiers 1-4, agreements kept and broken, follow-ups done
    and due, police referrals answered and not, a party who came three times, one from last year."""
    p = personas
    cf.categories()
    ensure_risk_levels()
    sd = p.operator.scope_sub_district
    assert sd is not None
    MediationCentre.objects.create(name="太平街道矛调中心", level="sub_district", sub_district=sd)
    for village in sd.villages.all():
        MediationCentre.objects.create(
            name=f"{village.name}矛调中心", level="village", sub_district=sd, village=village
        )
    d = open_one(p.worker, point(1), 2)
    ladder.end(p.worker, d.pk, d.version, "resolved", "当场化解")
    kept = sign(p.worker, open_one(p.worker, point(1), 40), 35)
    for follow_up in kept.follow_ups.all()[:1]:
        agreements.record_follow_up(p.worker, follow_up.pk, "已履行", "performed")
    red = open_one(p.worker, point(1), 1, risk="red")
    disputes.answer_referral(p.officer, red.police_referrals.get().pk, "已处置")
    d = climb(p.other_worker, open_one(p.other_worker, point(2), 12), 2)
    ladder.end(p.other_worker, d.pk, d.version, "referred", "调解不成", referral="court")
    d = climb(p.operator, open_one(p.operator, point(3), 60), 4)
    broken = sign(p.operator, d, 45)
    agreements.record_follow_up(p.operator, broken.follow_ups.all()[0].pk, "未履行", "broken")
    d = climb(p.operator, open_one(p.operator, point(4), 20), 3)
    assert d.centre is not None
    first = d.parties.first()
    assert first is not None
    for days in (15, 10, 5):
        agreements.record_visit(p.operator, first.pk, d.centre.pk, ago(days))
    ladder.end(p.operator, d.pk, d.version, "resolved", "部门协同化解")
    climb(p.operator, open_one(p.operator, point(3), 8), 2)
    open_one(p.operator, point(4), 4, violence_risk=True)
    sign(p.other_worker, open_one(p.other_worker, point(2), 400), 390)
    return p


def naive(user: Any, level: str, code: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The figures recounted one record at a time, straight from their definitions in docs/mediation.md."""

    def place(d: Dispute) -> bool:
        village, centre = d.case.village, d.centre
        if level == "centre":
            if centre is None:
                return False
            return centre.village.code == code if centre.village else centre.sub_district.code == code
        return {"sub_district": village.sub_district.code, "village": village.code, "grid": d.case.grid.code}[
            level
        ] == code

    found = [
        d
        for d in Dispute.objects.restrict(user).select_related(
            "case__grid", "case__village__sub_district", "centre"
        )
        if start <= d.happened_on < end and place(d)
    ]
    ended = [d for d in found if d.outcome != "open"]
    resolved = [d for d in ended if d.outcome in ("resolved", "agreement")]
    signed = [d.agreement for d in found if d.outcome == "agreement"]
    follow_ups = [f for a in signed for f in a.follow_ups.all()]
    referred = [d for d in found if d.police_referrals.exists()]
    # 最多跑一次 from the visits themselves, not from the count kept on the party.
    visits = Counter(Visit.objects.values_list("party_id", "party__dispute_id"))
    heavy = {dispute for (_party, dispute), n in visits.items() if n > 1} & {d.pk for d in found}
    days = sum((d.ended_on - d.happened_on).days for d in resolved if d.ended_on)
    low = len([d for d in resolved if d.tier <= 2])
    mid = len([d for d in resolved if d.tier <= 4])
    return {
        "found": len(found),
        "open": len(found) - len(ended),
        "ended": len(ended),
        "resolved": len(resolved),
        "agreements": len(signed),
        "referred": len([d for d in ended if d.outcome == "referred"]),
        "resolved_tier_1_2": low,
        "resolved_tier_1_4": mid,
        "days": days,
        "police_referrals": len(referred),
        "police_answered": len(
            [d for d in referred if d.police_referrals.exclude(answered_at=None).exists()]
        ),
        "agreements_performed": len([a for a in signed if a.performance == "performed"]),
        "agreements_broken": len([a for a in signed if a.performance == "broken"]),
        "follow_ups": len(follow_ups),
        "follow_ups_done": len([f for f in follow_ups if f.done_on]),
        "follow_ups_due": len([f for f in follow_ups if not f.done_on and f.due <= TODAY]),
        "ran_more_than_once": len(heavy),
        "share_village": round(100 * low / len(ended), 1) if ended else None,
        "share_town": round(100 * mid / len(ended), 1) if ended else None,
        "avg_days": round(days / len(resolved), 1) if resolved else None,
    }


CHILD = {"sub_district": "village", "village": "grid", "grid": "grid"}


@pytest.mark.parametrize(
    ("who", "level", "code"),
    [
        ("admin", "sub_district", SD),
        ("operator", "sub_district", SD),
        ("operator", "village", VILLAGE_B),
        ("cadre", "village", VILLAGE_B),
        ("worker", "sub_district", SD),
        ("worker", "grid", GRID_1),
        ("admin", "centre", SD),
        ("admin", "centre", VILLAGE_B),
    ],
)
def test_the_service_matches_a_naive_recount(data: Personas, who: str, level: str, code: str) -> None:
    user = getattr(data, who)
    for start, end in [(ago(364), ago(-1)), (ago(500), ago(30)), (ago(10), ago(0))]:
        result = report(user, level, code, start, end)
        assert result.total.as_dict() == naive(user, level, code, start, end), (start, end)
        if level != "centre":
            for row in result.rows:
                assert row.figures.as_dict() == naive(user, CHILD[level], row.code, start, end), row.code


def test_the_figures_say_what_happened(data: Personas) -> None:
    total = report(data.admin, "sub_district", SD).total
    assert (total.found, total.open, total.ended, total.resolved, total.referred) == (8, 3, 5, 4, 1)
    assert total.by_tier == {
        "resolved": [1, 0, 1, 0, 0],
        "agreement": [1, 0, 0, 1, 0],
        "referred": [0, 1, 0, 0, 0],
    }
    assert (total.share_village, total.share_town) == (40.0, 80.0)
    assert (total.police_referrals, total.police_answered, total.ran_more_than_once) == (2, 1, 1)
    assert (total.agreements_performed, total.agreements_broken) == (1, 1)
    last_year = report(data.admin, "sub_district", SD, ago(500), ago(364)).total
    assert (last_year.found, last_year.agreements) == (1, 1)


def api_body(client: Any, query: str) -> Any:
    response = client.get(f"/api/v1/mediation/figures?{query}")
    return response.status_code, response.json()


def cells(html: str) -> dict[str, dict[str, str]]:
    rows = re.findall(r'<tr data-code="(\d+)"[^>]*>(.*?)</tr>', html, re.S)
    return {code: dict(re.findall(r'data-key="(\w+)" data-value="([^"]*)"', body)) for code, body in rows}


def as_text(values: dict[str, Any]) -> dict[str, str]:
    return {k: "" if values[k] is None else str(values[k]) for k in COLUMNS}


@pytest.mark.parametrize(
    ("who", "level", "code"), [("admin", "sub_district", SD), ("cadre", "village", VILLAGE_B)]
)
def test_page_api_and_export_show_the_same_numbers(
    data: Personas, client_for: Any, who: str, level: str, code: str
) -> None:
    user = getattr(data, who)
    client = client_for(user)
    query = f"level={level}&code={code}&start={ago(500)}&end={ago(-1)}"
    result: Report = report(user, level, code, ago(500), ago(-1))
    status, body = api_body(client, query)
    assert status == 200 and body == result.as_dict()
    assert body["figures"] == naive(user, level, code, ago(500), ago(-1))
    page = client.get(f"/mediation/figures/?{query}")
    assert page.status_code == 200
    shown = cells(page.content.decode())
    assert shown[code] == as_text(body["figures"])
    assert {r["code"]: as_text(r) for r in body["rows"]} == {k: v for k, v in shown.items() if k != code}
    assert "echarts" in page.content.decode() and "mediation-figures-data" in page.content.decode()
    export = client.get(f"/mediation/figures/export.xlsx?{query}")
    assert export.status_code == 200 and "filename*=UTF-8" in export["Content-Disposition"]
    book = load_workbook(BytesIO(export.content), read_only=True)
    table = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(table) == 2 + len(body["rows"])
    for row, expected in zip(table[1:], [body["figures"], *body["rows"]], strict=True):
        assert list(row[2:]) == [expected[k] for k in COLUMNS]
    tiers = list(book.worksheets[1].iter_rows(values_only=True))[1:]
    assert [list(t[1:]) for t in tiers] == [[body["by_tier"][o][n] for o in ENDED_OUTCOMES] for n in range(5)]


def test_each_account_counts_only_its_own_grids(data: Personas, client_for: Any) -> None:
    worker = report(data.worker, "sub_district", SD)
    assert worker.total.found == 3 and [r.code for r in worker.rows] == [VILLAGE_A]
    status, _body = api_body(client_for(data.worker), f"level=village&code={VILLAGE_B}")
    assert status == 404
    assert (
        client_for(data.worker).get(f"/mediation/figures/?level=village&code={VILLAGE_B}").status_code == 404
    )
    status, _body = api_body(client_for(data.outsider), f"level=sub_district&code={SD}")
    assert status == 404
    robot = make_user("robot", Role.INTEGRATION, "all")
    status, _body = api_body(client_for(robot), f"level=sub_district&code={SD}")
    assert status == 403
    assert client_for(robot).get("/mediation/figures/").status_code == 403


def test_a_bad_period_or_level_is_refused(data: Personas, client_for: Any) -> None:
    client = client_for(data.admin)
    status, body = api_body(client, f"level=sub_district&code={SD}&start={ago(1)}&end={ago(5)}")
    assert status == 400 and "end" in body["error"]["fields"]
    status, body = api_body(client, f"level=county&code={SD}")
    assert status == 400
    assert client.get(f"/mediation/figures/?level=sub_district&code={SD}&start=2025-13-01").status_code == 400
    assert client.get(f"/mediation/figures/?level=centre&code={GRID_1}").status_code == 404


def test_the_page_opens_on_the_accounts_own_area(data: Personas, client_for: Any) -> None:
    page = client_for(data.cadre).get("/mediation/figures/")
    assert page.status_code == 200 and f'data-code="{VILLAGE_B}"' in page.content.decode()
    page = client_for(data.admin).get("/mediation/figures/")
    assert page.status_code == 200 and 'data-level="sub_district"' in page.content.decode()
    assert "矛调中心" in page.content.decode()  # the centres of the sub-district are offered
