"""The case API: staff intake, actions with versions, outside systems' channels, the rating link."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from gridgov.accounts.models import ApiToken, ScopeKind
from gridgov.cases.models import Case
from gridgov.geo.coords import from_wgs84
from tests.cases import factories as f
from tests.factories import Personas, make_user


@pytest.fixture
def setup(personas: Personas) -> Personas:
    f.categories()
    return personas


def post(client: Any, path: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(path, json.dumps(data), content_type="application/json", **extra)


def test_log_a_call_and_walk_it_through_the_api(setup: Personas, client_for: Any) -> None:
    client = client_for(setup.worker)
    created = post(
        client,
        "/api/v1/cases",
        {
            "category": "0101",
            "title": "帮忙搬自行车",
            "lng": 121.365,
            "lat": 28.365,
            "reporter_name": "林大娘",
            "reporter_phone": "13800001234",
        },
    )
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["assignee"] == "陈慧玲" and case["state"] == "reported"
    detail = client.get(f"/api/v1/cases/{case['id']}").json()
    assert (
        detail["actions"] == ["accept", "escalate", "merge"]
        and detail["reporters"][0]["phone"] == "138****1234"
    )
    version = detail["version"]
    for action in ("accept", "dispatch", "start"):
        answer = client.post(f"/api/v1/cases/{case['id']}/actions", {"action": action, "version": version})
        assert answer.status_code == 200, answer.content
        version = answer.json()["version"]
    stale = client.post(
        f"/api/v1/cases/{case['id']}/actions", {"action": "resolve", "version": 1, "note": "好了"}
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    from django.core.files.uploadedfile import SimpleUploadedFile

    done = client.post(
        f"/api/v1/cases/{case['id']}/actions",
        {
            "action": "resolve",
            "version": version,
            "note": "已背到二楼",
            "photos": [SimpleUploadedFile("photo.png", png, content_type="image/png")],
        },
    )
    assert done.status_code == 200 and done.json()["timeline"][-1]["attachments"][0]["name"] == "photo.png"
    link = client.post(f"/api/v1/cases/{case['id']}/rating-link").json()
    anonymous = Client()
    assert anonymous.get(f"/api/v1/ratings/{link['token']}").json()["title"] == "帮忙搬自行车"
    rated = post(anonymous, f"/api/v1/ratings/{link['token']}", {"score": 5, "comment": "谢谢小陈"})
    assert rated.status_code == 200 and rated.json()["state"] == "closed"


def test_a_script_disguised_as_a_photo_is_refused(setup: Personas, client_for: Any) -> None:
    client = client_for(setup.worker)
    case = f.report(setup.worker).case
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    answer = client.post(
        f"/api/v1/cases/{case.pk}/actions", {"action": "accept", "version": 1, "photos": [fake]}
    )
    assert answer.status_code == 400 and "attachments" in answer.json()["error"]["fields"]
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024), content_type="image/png"
    )
    answer = client.post(
        f"/api/v1/cases/{case.pk}/actions", {"action": "accept", "version": 1, "photos": [big]}
    )
    assert answer.status_code == 400
    assert Case.objects.get(pk=case.pk).version == 1


def test_the_police_system_diverts_a_non_police_call(setup: Personas, small_map: Any) -> None:
    bridge = make_user("police_110", "integration", ScopeKind.ALL)
    _token, raw = ApiToken.issue(bridge)
    lng, lat = from_wgs84(121.365, 28.365, "gcj02")
    answer = post(
        Client(),
        "/api/v1/intake/110",
        {"call_id": "110-20261128-0042", "summary": "老人被锁门外求助开锁", "lng": lng, "lat": lat},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["channel"] == "110" and body["police"] is False and body["grid"]["code"] == "331081001001001"
    # An outside system hands cases in and sees nothing.
    assert Client().get(f"/api/v1/cases/{body['id']}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404
    assert Client().get("/api/v1/grids.geojson", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["features"] == []


def test_camera_alarm_and_bad_input(setup: Personas) -> None:
    bridge = make_user("camera_platform", "integration", ScopeKind.ALL)
    _token, raw = ApiToken.issue(bridge)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    ok = post(
        Client(),
        "/api/v1/intake/camera",
        {"camera_id": "TP-0012", "alarm_id": "A1", "kind": "人员聚集", "lng": 121.375, "lat": 28.365},
        **auth,
    )
    assert ok.status_code == 201 and ok.json()["grid"]["code"] == "331081001001002"
    outside = post(
        Client(),
        "/api/v1/intake/camera",
        {"camera_id": "X", "alarm_id": "2", "kind": "烟火", "lng": 120.0, "lat": 30.0},
        **auth,
    )
    assert outside.status_code == 400 and "location" in outside.json()["error"]["fields"]
    assert post(Client(), "/api/v1/intake/camera", {"camera_id": "X"}, **auth).status_code == 400
    assert post(Client(), "/api/v1/intake/camera", {}, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_a_malformed_intake_body_is_refused_field_by_field_and_stores_nothing(
    setup: Personas, client_for: Any
) -> None:
    client = client_for(setup.worker)
    before = Case.objects.count()
    bad = post(
        client,
        "/api/v1/cases",
        {
            "category": "0101",
            "title": "长" * 201,
            "lng": "东经",
            "lat": 28.365,
            "channel": "fax",
            "items": [{"name": "米", "quantity": -2}],
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert bad.status_code == 400, bad.content
    error = bad.json()["error"]
    assert error["code"] and error["message"]
    assert set(error["fields"]) == {"title", "lng", "channel", "items.0.quantity"}, error
    assert Case.objects.count() == before
    created = post(
        client, "/api/v1/cases", {"category": "0101", "title": "好的", "lng": 121.365, "lat": 28.365}
    )
    assert created.status_code == 201 and created["Content-Type"].startswith("application/json")
    assert created.json()["title"] == "好的" and created.json()["duplicates"] == []
