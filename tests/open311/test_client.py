"""An Open311 client end to end, over real HTTP against the live server: list services, post a request,
read it back. Once with the standard library as the HTTP client (always), once with the `georeport`
client from PyPI for the reads (when it is installed; it does not post)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest

from gridgov.open311.models import Open311Key
from tests.cases import factories as f
from tests.factories import build_personas, build_small_map
from tests.open311.conftest import parse_xml

pytestmark = pytest.mark.django_db(transaction=True)

# Straight to the live server on loopback, whatever proxy the environment names.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture
def api_key(transactional_db: Any) -> str:
    build_personas(build_small_map())
    f.categories()
    return Open311Key.issue("wenling-12345")[1]


def fetch(url: str, form: dict[str, Any] | None = None) -> tuple[int, dict[str, str], bytes]:
    data = urlencode(form, doseq=True).encode() if form is not None else None
    request = urllib.request.Request(url, data=data)  # noqa: S310 (the live server's http URL)
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_stdlib_client_lists_posts_and_reads_back(live_server: Any, api_key: str) -> None:
    status, _headers, body = fetch(f"{live_server.url}/open311/v2/discovery.xml")
    endpoint = parse_xml(body).findtext("endpoints/endpoint/url") or ""
    assert status == 200 and endpoint == f"{live_server.url}/open311/v2/"
    services = parse_xml(fetch(endpoint + "services.xml")[2])
    codes = [s.findtext("service_code") for s in services.findall("service")]
    assert "0102" in codes
    definition = parse_xml(fetch(endpoint + "services/0102.xml")[2])
    assert [a.findtext("code") for a in definition.findall("attributes/attribute")] == ["items"]
    form = {
        "api_key": api_key,
        "jurisdiction_id": "wenling.gov.cn",
        "service_code": "0102",
        "lat": f.GRID_2_POINT[1],
        "long": f.GRID_2_POINT[0],
        "description": "居家隔离，请帮忙代购",
        "first_name": "女士",
        "last_name": "唐",
        "phone": "13900002222",
        "attribute[items]": "大米 2 袋\n面粉 1 斤\n牛奶 3 箱\n日常用品 1 袋",
    }
    status, headers, body = fetch(endpoint + "requests.xml", form)
    assert status == 200, body
    created = parse_xml(body)
    assert created.tag == "service_requests"
    request_id = created.findtext("request/service_request_id") or ""
    assert request_id.isdigit() and created.findtext("request/service_notice")
    token = headers["X-Open311-Token"]
    read = parse_xml(fetch(endpoint + f"requests/{request_id}.xml")[2])
    assert read.findtext("request/status") == "open"
    assert read.findtext("request/agency_responsible") == "东辉社区第2网格"
    assert read.findtext("request/service_name") == "居家隔离物资代购"
    by_token = parse_xml(fetch(endpoint + f"tokens/{token}.xml")[2])
    assert by_token.findtext("request/service_request_id") == request_id
    listed = json.loads(fetch(endpoint + "requests.json?" + urlencode({"status": "open"}))[2])
    assert [r["service_request_id"] for r in listed] == [request_id]
    assert "唐" not in json.dumps(listed, ensure_ascii=False) and "13900002222" not in str(listed)
    status, _headers, body = fetch(endpoint + "requests.xml", {**form, "api_key": "o311_wrong"})
    error = parse_xml(body)
    assert status == 403 and error.tag == "errors" and error.findtext("error/code") == "403"


def test_georeport_client_reads(live_server: Any, api_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import georeport  # a published GeoReport v2 client (test-only dependency)

    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    root = f"{live_server.url}/open311/v2"
    form = {
        "api_key": api_key,
        "service_code": "0301",
        "lat": f.GRID_1_POINT[1],
        "long": f.GRID_1_POINT[0],
        "description": "夜间装修噪声",
        "attribute[time_of_day]": "night",
    }
    status, _headers, body = fetch(f"{root}/requests.json", form)
    assert status == 200, body
    request_id = json.loads(body)[0]["service_request_id"]
    for output_format in ("json", "xml"):
        client = georeport.GeoReport(root, jurisdiction="wenling.gov.cn", output_format=output_format)
        services = client.get_service_list()
        assert "0301" in [s["service_code"] for s in services]
        definition = client.get_service_definition("0301")
        attributes = definition["attributes"]
        if output_format == "xml":  # xmltodict keeps the wrapping elements
            attributes = attributes["attribute"]
        assert attributes[0]["code"] == "time_of_day"
        request = client.get_service_request(request_id)
        assert (request["service_request_id"], request["status"]) == (request_id, "open")
        assert request["service_code"] == "0301"
        listed = client.get_service_requests(service_code="0301", status="open")
        listed = [listed] if isinstance(listed, dict) else listed  # xmltodict: one element is no list
        assert [r["service_request_id"] for r in listed] == [request_id]
