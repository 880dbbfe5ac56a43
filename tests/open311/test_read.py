"""GET requests, requests/{id} and tokens/{token}: statuses through the case's life, filters, and no
personal data in a public read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.cases.models import Case
from gridgov.cases.services.rating import issue_link, rate
from gridgov.cases.services.transitions import Action, act
from gridgov.open311.models import Open311Request
from gridgov.open311.views import read
from tests.cases import factories as f
from tests.factories import Personas
from tests.open311.conftest import ROOT, json_of, post, report, xml_of

FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def posted(client: Client, api_key: str, **extra: Any) -> Case:
    response = post(client, report(api_key, **extra))
    assert response.status_code == 200, response.content
    return Case.objects.get(pk=int(json_of(response)[0]["service_request_id"]))


def one(client: Client, case: Case) -> dict[str, Any]:
    response = client.get(f"{ROOT}/requests/{case.pk}.json")
    assert response.status_code == 200
    [row] = json_of(response)
    return dict(row)


def step(actor: Any, case: Case, name: str, note: str = "") -> Case:
    return act(actor, case.pk, Action(name, case.version, note))


def test_read_back_open_then_closed_with_notes(setup: Personas, api_key: str, client: Client) -> None:
    case = posted(
        client,
        api_key,
        first_name="大娘",
        last_name="林",
        phone="13800001234",
        email="lin@example.cn",
        media_url="https://img.example.cn/a.jpg",
    )
    row = one(client, case)
    assert list(row) == FIELDS
    assert row["service_request_id"] == str(case.pk) and row["status"] == "open"
    assert row["status_notes"] == "已上报，等待受理"
    assert (row["service_code"], row["service_name"]) == ("0301", "噪声扰民")
    assert row["agency_responsible"] == "东辉社区第1网格"
    assert row["description"] == "楼上装修每天晚上电钻声到十一点"
    assert row["requested_datetime"].endswith("+08:00") and row["expected_datetime"].endswith("+08:00")
    assert dt.datetime.fromisoformat(row["expected_datetime"]) == case.deadline.replace(microsecond=0)
    assert (row["lat"], row["long"]) == (28.365, 121.365) and row["zipcode"] is None
    assert row["address"] == "太平街道东辉社区第1网格"  # no address given: the area of the point
    assert row["media_url"] == "https://img.example.cn/a.jpg"
    p = setup
    case = step(p.worker, case, "accept")
    case = step(p.worker, case, "dispatch")
    case = step(p.worker, case, "start")
    case = step(p.worker, case, "resolve", "已上门劝导，林大娘确认噪声停止，电话13800001234回访")
    row = one(client, case)
    assert row["status"] == "open"
    assert row["status_notes"] == "已办结，等待核实：已上门劝导，林**确认噪声停止，电话138****1234回访"
    case = rate(issue_link(p.worker, case.pk), 5, "满意", solved=True)
    row = one(client, case)
    assert row["status"] == "closed" and row["status_notes"].startswith("已结案：")
    assert dt.datetime.fromisoformat(row["updated_datetime"]) >= case.closed_at.replace(microsecond=0)  # type: ignore[union-attr]
    xml = xml_of(client.get(f"{ROOT}/requests/{case.pk}.xml"))
    assert xml.tag == "service_requests"
    request = xml.find("request")
    assert request is not None and [child.tag for child in request] == FIELDS
    assert request.findtext("status") == "closed" and request.findtext("zipcode") == ""
    for body in (client.get(f"{ROOT}/requests/{case.pk}.json"), client.get(f"{ROOT}/requests.xml")):
        text = body.content.decode()
        assert "林大娘" not in text and "13800001234" not in text and "lin@example.cn" not in text
        assert "陈慧玲" not in text  # nor the handler's name: agency_responsible is the grid


def test_cancelled_and_merged_are_closed(setup: Personas, api_key: str, client: Client) -> None:
    p = setup
    first = posted(client, api_key)
    second = posted(client, api_key)
    third = posted(client, api_key)
    act(p.operator, third.pk, Action("cancel", third.version, "重复上报"))
    act(p.worker, second.pk, Action("merge", second.version, into_id=first.pk))
    assert (one(client, third)["status"], one(client, third)["status_notes"]) == (
        "closed",
        "已撤销：重复上报",
    )
    assert one(client, second)["status"] == "closed"
    assert one(client, second)["status_notes"] == f"已与其他事件合并处理，见事件 {first.pk}"
    assert one(client, first)["status"] == "open"


def test_escalation_and_departments_are_the_agency(setup: Personas, api_key: str, client: Client) -> None:
    parked = posted(client, api_key, service_code="0303", **{"attribute[time_of_day]": None})
    assert one(client, parked)["agency_responsible"] == "综合行政执法队"
    noise = posted(client, api_key)
    step(setup.worker, noise, "escalate", "需要社区协调")
    Case.objects.filter(pk=noise.pk).update(level=1)
    assert one(client, noise)["agency_responsible"] == "东辉社区"


def test_filters(setup: Personas, api_key: str, client: Client) -> None:
    noise = posted(client, api_key)
    fire = posted(client, api_key, service_code="0401", **{"attribute[hazard]": "blocked_exit"})
    closed = posted(client, api_key)
    act(setup.operator, closed.pk, Action("cancel", closed.version, "误报"))
    old = posted(client, api_key)
    Case.objects.filter(pk=old.pk).update(reported_at=timezone.now() - dt.timedelta(days=100))

    def ids(**params: str) -> list[int]:
        response = client.get(f"{ROOT}/requests.json", params)
        assert response.status_code == 200, response.content
        return [int(r["service_request_id"]) for r in json_of(response)]

    assert ids() == [closed.pk, fire.pk, noise.pk]  # newest first; the last 90 days by default
    assert ids(status="open") == [fire.pk, noise.pk]
    assert ids(status="closed") == [closed.pk]
    assert ids(status="open,closed", service_code="") == [closed.pk, fire.pk, noise.pk]
    assert ids(service_code="0401") == [fire.pk]
    assert ids(service_code="0401,0301", status="open") == [fire.pk, noise.pk]
    # service_request_id overrides every other filter, the date window included.
    assert set(ids(service_request_id=f"{old.pk}, {fire.pk}", status="closed")) == {old.pk, fire.pk}
    now = timezone.now()
    assert ids(
        start_date=(now - dt.timedelta(days=101)).isoformat(),
        end_date=(now - dt.timedelta(days=99)).isoformat(),
    ) == [old.pk]
    assert ids(start_date=(now - dt.timedelta(days=1)).isoformat()) == [closed.pk, fire.pk, noise.pk]
    assert ids(end_date=(now - dt.timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%SZ")) == [old.pk]
    assert ids(start_date=timezone.localdate().isoformat()) == [closed.pk, fire.pk, noise.pk]
    for params, status, words in (
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, 400, "90 days"),
        ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, 400, "before"),
        ({"start_date": "2026-01-01T00:00:00"}, 400, "time zone"),
        ({"end_date": "yesterday"}, 400, "ISO 8601"),
        ({"status": "pending"}, 400, "status"),
        ({"service_request_id": "1,abc"}, 400, "service_request_id"),
        ({"service_code": "9999"}, 404, "9999"),
    ):
        response = client.get(f"{ROOT}/requests.json", params)
        assert response.status_code == status, params
        assert words in json_of(response)[0]["description"]


def test_at_most_the_limit(
    setup: Personas, api_key: str, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [posted(client, api_key) for _ in range(3)]
    monkeypatch.setattr(read, "LIMIT", 2)
    rows = json_of(client.get(f"{ROOT}/requests.json"))
    assert [int(r["service_request_id"]) for r in rows] == [cases[2].pk, cases[1].pk]


def test_only_open311_cases_are_public(setup: Personas, api_key: str, client: Client) -> None:
    by_phone = f.report(setup.worker, category="0301", title="噪音", reporter_name="林大娘").case
    assert client.get(f"{ROOT}/requests/{by_phone.pk}.json").status_code == 404
    assert json_of(client.get(f"{ROOT}/requests.json")) == []
    for path in ("requests/99999.json", "requests/abc.xml", "tokens/nope.json"):
        response = client.get(f"{ROOT}/{path}")
        assert response.status_code == 404
        body = json_of(response) if path.endswith(".json") else None
        assert body is None or body[0]["code"] == 404


def test_token_maps_to_the_request(setup: Personas, api_key: str, client: Client) -> None:
    case = posted(client, api_key)
    token = Open311Request.objects.get(case=case).token
    assert json_of(client.get(f"{ROOT}/tokens/{token}.json")) == [
        {"service_request_id": str(case.pk), "token": token}
    ]
    root = xml_of(client.get(f"{ROOT}/tokens/{token}.xml"))
    assert root.findtext("request/service_request_id") == str(case.pk)
    assert root.findtext("request/token") == token


def test_sensitive_services_show_status_not_details(setup: Personas, api_key: str, client: Client) -> None:
    from tests.people import factories as people

    building = people.building(setup.admin)
    household = people.household(setup.admin, building)
    case = posted(
        client,
        api_key,
        service_code="0102",
        lat="",
        long="",
        address_id=str(household.pk),
        description="唐女士居家隔离，需要代购",
        media_url="https://img.example.cn/list.jpg",
        **{"attribute[items]": "大米 2 袋", "attribute[time_of_day]": None},
    )
    row = one(client, case)
    assert row["description"] is None and row["media_url"] is None and row["address_id"] is None
    assert row["address"] == "太平街道东辉社区第1网格"
    assert (row["lat"], row["long"]) == (28.365, 121.365)  # rounded to 0.001°, here already round
    assert row["status_notes"] == "已上报，等待受理" and row["service_name"] == "居家隔离物资代购"
    assert "唐女士" not in client.get(f"{ROOT}/requests.xml").content.decode()


def test_a_household_shows_its_building_only(setup: Personas, api_key: str, client: Client) -> None:
    from tests.people import factories as people

    household = people.household(setup.admin, people.building(setup.admin))
    case = posted(client, api_key, lat="", long="", address_id=str(household.pk))
    row = one(client, case)
    assert row["address"] == "东辉小区9幢" and row["address_id"] == str(household.pk)
