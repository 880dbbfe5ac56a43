"""POST requests: a case through the one intake, located by point, address or household; bad input refused
with the spec's codes and nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.cases.models import Case, CaseEvent
from gridgov.core.models import AuditEntry
from gridgov.open311.models import Open311Key, Open311Request
from tests.factories import Personas
from tests.open311.conftest import json_of, post, report, xml_of
from tests.people import factories as people


def test_a_point_report_becomes_a_case(setup: Personas, api_key: str, client: Client) -> None:
    response = post(
        client,
        report(
            api_key,
            first_name="哲",
            last_name="王",
            phone="13800001234",
            email="wz@example.cn",
            device_id="dev-1",
            account_id="u-42",
            media_url="https://img.example.cn/1.jpg",
            address_string="东辉小区南门",
        ),
    )
    assert response.status_code == 200  # the spec's POST answers 200 with a one-element list
    [answer] = json_of(response)
    case = Case.objects.get(pk=int(answer["service_request_id"]))
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] == "u-42"
    assert answer["service_notice"] == "网格员将在30分钟内受理，24小时内办结。"
    assert (case.channel, case.category.code, case.state) == ("open311", "0301", "reported")
    assert case.grid.name == "东辉社区第1网格" and case.assignee == setup.worker
    assert case.title == "楼上装修每天晚上电钻声到十一点" and case.address == "东辉小区南门"
    reporter = case.reporters.get()
    assert (reporter.name, reporter.phone_masked, reporter.device) == ("王哲", "138****1234", "dev-1")
    assert reporter.phone_cipher and "13800001234" not in reporter.phone_cipher
    note = CaseEvent.objects.get(case=case, action="open311")
    assert "夜间" in note.note and "https://img.example.cn/1.jpg" in note.note
    assert note.data["attributes"] == {"time_of_day": "night"}
    posted = Open311Request.objects.get(case=case)
    assert response["X-Open311-Token"] == posted.token and posted.media_url == "https://img.example.cn/1.jpg"
    assert "wz@example.cn" not in str(list(CaseEvent.objects.filter(case=case).values()))
    created = AuditEntry.objects.get(object_type="cases.case", object_id=str(case.pk), action="create")
    assert (created.actor_name, created.source) == ("open311:wenling-12345", "api")
    assert Open311Key.objects.get().last_used_at is not None


def test_located_by_address_string_or_address_id(setup: Personas, api_key: str, client: Client) -> None:
    building = people.building(setup.admin)  # 东辉小区9幢, in grid 1
    household = people.household(setup.admin, building)  # 东辉小区9幢 4单元 201
    cases = []
    for location in (
        {"address_string": "东辉小区9幢"},
        {"address_string": "浙江省温岭市太平街道东辉小区9幢4单元201"},
        {"address_string": "小区9幢"},
        {"address_id": str(household.pk)},
    ):
        response = post(client, report(api_key, lat="", long="", **location))
        assert response.status_code == 200, response.content
        cases.append(Case.objects.get(pk=int(json_of(response)[0]["service_request_id"])))
    assert [(c.building_id, c.household_id) for c in cases] == [
        (building.pk, None),
        (building.pk, household.pk),
        (building.pk, None),
        (building.pk, household.pk),
    ]
    assert cases[1].address == "东辉小区9幢 4单元 201" and (cases[1].lng, cases[1].lat) == (
        building.lng,
        building.lat,
    )


def test_unknown_or_ambiguous_address_is_400(setup: Personas, api_key: str, client: Client) -> None:
    people.building(setup.admin, name="9幢")
    people.building(setup.admin, col=1, name="19幢")
    for location, words in (
        ({"address_string": "新河镇某路88号"}, "No building"),
        ({"address_string": "东辉小区"}, "several"),
        ({"address_id": "999999"}, "address_id"),
        ({"address_id": "12a"}, "address_id"),
        ({}, "location is needed"),
        ({"lat": "28.3", "long": ""}, "lat and long"),
    ):
        response = post(client, {**report(api_key, lat=None, long=None), **location})
        assert response.status_code == 400, location
        assert words in json_of(response)[0]["description"]
    assert not Case.objects.exists()


def test_supply_list_becomes_items(setup: Personas, api_key: str, client: Client) -> None:
    response = post(
        client,
        report(
            api_key,
            service_code="0102",
            description="居家隔离，请帮忙代购",
            **{
                "attribute[items]": "大米 2 袋\n一斤面粉，3箱牛奶、日常用品 1 袋",
                "attribute[time_of_day]": None,
            },
        ),
    )
    assert response.status_code == 200, response.content
    case = Case.objects.get(pk=int(json_of(response)[0]["service_request_id"]))
    assert [str(i) for i in case.items.all()] == ["大米 2袋", "面粉 1斤", "牛奶 3箱", "日常用品 1袋"]


def test_attributes_are_checked_against_the_definition(setup: Personas, api_key: str, client: Client) -> None:
    bad: list[tuple[dict[str, Any], str]] = [
        ({"attribute[time_of_day]": None}, "attribute[time_of_day] is required"),
        ({"attribute[time_of_day]": "midnight"}, "unknown value midnight"),
        ({"attribute[time_of_day]": ["day", "night"]}, "one value only"),
        ({"service_code": "0401", "attribute[hazard][]": ["blocked_exit", "fire"]}, "unknown value fire"),
        ({"service_code": "0201", "attribute[households]": "three"}, "not a number"),
        ({"service_code": "0402", "attribute[noticed]": "last week"}, "ISO 8601"),
    ]
    for extra, words in bad:
        response = post(client, report(api_key, **extra))
        assert response.status_code == 400, extra
        assert any(words in e["description"] for e in json_of(response)), json_of(response)
    assert not Case.objects.exists()
    both = post(
        client,
        report(
            api_key,
            service_code="0401",
            **{"attribute[hazard][]": ["blocked_exit", "ebike_charging"], "attribute[fms_extra]": "ignored"},
        ),
    )
    assert both.status_code == 200
    note = CaseEvent.objects.get(action="open311")
    assert note.data["attributes"] == {"hazard": ["blocked_exit", "ebike_charging"]}
    assert "堵塞消防通道或安全出口、电瓶车室内或飞线充电" in note.note


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_api_key_missing_bad_or_revoked_is_403(setup: Personas, client: Client, fmt: str) -> None:
    key, raw = Open311Key.issue("old-system")
    key.revoked_at = key.created_at
    key.save()
    for given in (None, "", "o311_guessed", raw):
        response = post(client, report(given), fmt)
        assert response.status_code == 403
        if fmt == "json":
            [error] = json_of(response)
            description = error["description"]
            assert error["code"] == 403
        else:
            root = xml_of(response)
            assert root.tag == "errors" and root.findtext("error/code") == "403"
            description = root.findtext("error/description") or ""
        assert "api_key" in description
    assert not Case.objects.exists()


def test_service_code_unknown_404_missing_400(setup: Personas, api_key: str, client: Client) -> None:
    for code, status in (("9999", 404), ("0601", 404), ("", 400)):
        response = post(client, report(api_key, service_code=code))
        assert response.status_code == status
        assert "service_code" in json_of(response)[0]["description"]
    assert not Case.objects.exists()


def test_bad_input_is_400_and_stores_nothing(setup: Personas, api_key: str, client: Client) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"lat": "20.0", "long": "100.0"}, "outside every grid"),
        ({"lat": "north", "long": "east"}, "lat and long"),
        ({"description": "吵" * 4001}, "4000"),
        ({"phone": "123"}, "phone: "),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
    ]
    for extra, words in cases:
        response = post(client, report(api_key, **extra))
        assert response.status_code == 400, extra
        assert any(words in e["description"] for e in json_of(response)), json_of(response)
    assert not Case.objects.exists() and not Open311Request.objects.exists()
    longest = post(client, report(api_key, description="吵" * 4000))
    assert longest.status_code == 200


def test_markup_in_description_is_stored_as_plain_text(setup: Personas, api_key: str, client: Client) -> None:
    response = post(
        client, report(api_key, description='<script>alert("x")</script><b>半夜</b>施工 &amp; 电钻')
    )
    case = Case.objects.get(pk=int(json_of(response)[0]["service_request_id"]))
    assert case.description == 'alert("x")半夜施工 & 电钻'
    assert "<" not in case.title
    root = xml_of(client.get(f"/open311/v2/requests/{case.pk}.xml"))
    assert root.findtext("request/description") == 'alert("x")半夜施工 & 电钻'


def test_form_post_needs_no_csrf_token(setup: Personas, api_key: str) -> None:
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    assert post(strict, report(api_key)).status_code == 200
