"""Open311 fixtures: the default categories on the small map, an api key, and a client that posts forms."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from gridgov.open311.models import Open311Key
from tests.cases import factories as f
from tests.factories import Personas

ROOT = "/open311/v2"
LNG, LAT = f.GRID_1_POINT  # 东辉社区第1网格


@pytest.fixture
def client() -> Client:
    # Messages in English, the source language: the assertions do not depend on translations.
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def setup(personas: Personas) -> Personas:
    f.categories()
    return personas


@pytest.fixture
def api_key(setup: Personas) -> str:
    _key, raw = Open311Key.issue("wenling-12345")
    return raw


def parse_xml(body: bytes) -> ET.Element:
    # Our own server's answers in a test, not untrusted input: the standard parser is enough.
    return ET.fromstring(body)  # noqa: S314


def xml_of(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    text = response.content.decode()
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return parse_xml(response.content)


def json_of(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def post(client: Client, data: dict[str, Any], fmt: str = "json") -> Any:
    """A form post, as the spec says (application/x-www-form-urlencoded)."""
    from urllib.parse import urlencode

    body = urlencode(data, doseq=True)
    return client.post(f"{ROOT}/requests.{fmt}", body, content_type="application/x-www-form-urlencoded")


def report(api_key: str | None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "api_key": api_key,
        "service_code": "0301",
        "lat": LAT,
        "long": LNG,
        "description": "楼上装修每天晚上电钻声到十一点",
        "attribute[time_of_day]": "night",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}
