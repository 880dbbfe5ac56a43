"""Discovery, the service list and service definitions, in XML and JSON, and the spec's 404s."""

from __future__ import annotations

import pytest
from django.test import Client

from gridgov.cases.models import Category
from gridgov.open311.views import services
from tests.factories import Personas
from tests.open311.conftest import ROOT, json_of, xml_of

SERVED = ["0101", "0102", "0103", "0201", "0301", "0302", "0303", "0401", "0402"]


def test_discovery_in_both_formats(setup: Personas, client: Client) -> None:
    found = json_of(client.get(f"{ROOT}/discovery.json"))
    assert set(found) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["changeset"] == found["changeset"] and found["changeset"].endswith("+08:00")
    root = xml_of(client.get(f"{ROOT}/discovery.xml"))
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2/"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    assert xml_of(client.get(f"{ROOT}/")).tag == "discovery"  # the root shows discovery too


def test_service_list_is_the_exposed_active_categories(setup: Personas, client: Client) -> None:
    Category.objects.filter(code="0103").update(active=False)
    services = json_of(client.get(f"{ROOT}/services.json"))
    assert [s["service_code"] for s in services] == [c for c in SERVED if c != "0103"]
    noise = next(s for s in services if s["service_code"] == "0301")
    assert noise == {
        "service_code": "0301",
        "service_name": "噪声扰民",
        "description": "装修、商铺、广场舞等噪声扰民。",
        "metadata": True,
        "type": "realtime",
        "keywords": "噪音, 噪声, 吵, 装修",
        "group": "市容环境",
    }
    rubbish = next(s for s in services if s["service_code"] == "0302")
    assert rubbish["metadata"] is False
    root = xml_of(client.get(f"{ROOT}/services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert first is not None
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert (first.findtext("service_code"), first.findtext("metadata")) == ("0101", "true")
    assert first.findtext("group") == "便民服务"


def test_service_definition_in_both_formats(setup: Personas, client: Client) -> None:
    noise = json_of(client.get(f"{ROOT}/services/0301.json"))
    assert noise["service_code"] == "0301"
    time_of_day = noise["attributes"][0]
    assert time_of_day["code"] == "time_of_day" and time_of_day["datatype"] == "singlevaluelist"
    assert time_of_day["required"] is True and time_of_day["variable"] is True and time_of_day["order"] == 1
    assert [v["key"] for v in time_of_day["values"]] == ["day", "night"]
    assert noise["attributes"][1]["order"] == 2 and noise["attributes"][1]["required"] is False
    root = xml_of(client.get(f"{ROOT}/services/0102.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "0102"
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert attribute.findtext("code") == "items" and attribute.findtext("datatype") == "text"
    assert attribute.findtext("required") == "true"
    assert "大米 2 袋" in (attribute.findtext("datatype_description") or "")
    hazards = xml_of(client.get(f"{ROOT}/services/0401.xml"))
    assert hazards.findtext("attributes/attribute/datatype") == "multivaluelist"
    keys = [v.findtext("key") for v in hazards.findall("attributes/attribute/values/value")]
    assert keys == ["blocked_exit", "ebike_charging", "extinguisher", "other"]
    plain = json_of(client.get(f"{ROOT}/services/0302.json"))
    assert plain == {"service_code": "0302", "attributes": []}


def test_unknown_service_jurisdiction_and_resource_are_404(setup: Personas, client: Client) -> None:
    for path in ("services/9999.json", "services/0601.json"):  # 0601 theft: a police matter, not exposed
        response = client.get(f"{ROOT}/{path}")
        assert response.status_code == 404
        [error] = json_of(response)
        assert error["code"] == 404 and "service_code" in error["description"]
    other = client.get(f"{ROOT}/services.xml", {"jurisdiction_id": "sfgov.org"})
    assert other.status_code == 404
    root = xml_of(other)
    assert root.tag == "errors" and root.findtext("error/code") == "404"
    assert "jurisdiction_id" in (root.findtext("error/description") or "")
    ours = client.get(f"{ROOT}/services.json", {"jurisdiction_id": "wenling.gov.cn"})
    empty = client.get(f"{ROOT}/services.json", {"jurisdiction_id": ""})
    assert ours.status_code == empty.status_code == 200
    for path in ("nothing.json", "services.csv", "requests/1/notes.xml"):
        missing = client.get(f"{ROOT}/{path}")
        assert missing.status_code == 404
        body = json_of(missing) if path.endswith(".json") else None
        assert body is None or body[0]["code"] == 404
        if body is None:
            assert xml_of(missing).tag == "errors"
    wrong_method = client.delete(f"{ROOT}/services.json")
    assert wrong_method.status_code == 400 and "GET" in wrong_method["Allow"]


def test_a_server_failure_is_the_specs_general_error(
    setup: Personas, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> list[Category]:
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "exposed", broken)
    response = client.get(f"{ROOT}/services.xml")
    assert response.status_code == 400
    root = xml_of(response)
    assert root.findtext("error/code") == "400"
    assert response["X-Request-ID"] in (root.findtext("error/description") or "")
