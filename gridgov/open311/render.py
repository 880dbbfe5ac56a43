"""Open311's two formats from one structure: XML as the spec prints it, JSON by its Spark mapping.

A document is a root element name and a body: a list (the root holds one child element per item,
named by `ITEM_NAMES`) or a dict (the root's children). JSON is the body itself, so a list root
becomes a JSON array and a dict root a JSON object, as in the spec's examples.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Literal

from django.http import HttpResponse

Format = Literal["json", "xml"]
Value = str | int | float | bool | None | list["Value"] | dict[str, "Value"]

CONTENT_TYPES: dict[str, str] = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

# The element each item of a list is wrapped in, by the list's own element name.
ITEM_NAMES: dict[str, str] = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all, not even escaped: a report's text must not break the document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Reply:
    root: str
    body: list[Value] | dict[str, Value]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Value) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list):
        item_name = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item_name), child)
    else:
        element.text = _text(value)


def to_xml(root: str, body: Value) -> str:
    element = ET.Element(root)
    _fill(element, body)
    return DECLARATION + ET.tostring(element, encoding="unicode")


def to_json(body: Value) -> str:
    return json.dumps(body, ensure_ascii=False)


def response(fmt: Format, reply: Reply) -> HttpResponse:
    content = to_json(reply.body) if fmt == "json" else to_xml(reply.root, reply.body)
    answer = HttpResponse(content.encode(), status=reply.status, content_type=CONTENT_TYPES[fmt])
    for name, header in reply.headers.items():
        answer[name] = header
    return answer


def errors(status: int, descriptions: list[str]) -> Reply:
    body: list[Value] = [{"code": status, "description": d} for d in descriptions]
    return Reply("errors", body, status)
