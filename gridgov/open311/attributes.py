"""A posted request's `attribute[code]` and `attribute[code][]` values, checked against its service.

Unknown codes are ignored rather than refused: clients such as FixMyStreet send their own extras as
attributes, and a report must not fail for them. 0102's supply list becomes the case's items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from gridgov.cases.services.intake import ItemInput
from gridgov.open311.services import MAX_STRING, MAX_TEXT, Attribute, attributes_of

_KEY = re.compile(r"^attribute\[([^\]\[]{1,60})\](\[\])?$")
MAX_ITEMS = 30
_UNITS = "公斤|千克|斤|克|kg|袋|箱|瓶|包|盒|个|桶|把|份|支|听|罐|板|只|件|条|升|L"
_HAN_DIGITS = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7"}
_HAN_DIGITS |= {"八": "8", "九": "9", "十": "10"}
# A Chinese numeral only counts as a quantity right before a unit: "一斤面粉", not "一次性口罩".
_HAN_QUANTITY = re.compile(rf"([{''.join(_HAN_DIGITS)}])(?=\s*(?:{_UNITS}))")
_NAME_FIRST = re.compile(rf"^(?P<name>\D+?)\s*(?P<qty>\d+(?:\.\d+)?)\s*(?P<unit>{_UNITS})?$")
_QUANTITY_FIRST = re.compile(rf"^(?P<qty>\d+(?:\.\d+)?)\s*(?P<unit>{_UNITS})?\s*(?P<name>\D.*)$")
_ITEM_SPLIT = re.compile(r"[\n\r,，、;；]+")


@dataclass
class Checked:
    values: dict[str, str | list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    items: list[ItemInput] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # "问题：回答" lines for the case's timeline


def posted(data: QueryDict) -> dict[str, list[str]]:
    """Every attribute value by code; both `attribute[c]=v` and `attribute[c][]=v` forms."""
    found: dict[str, list[str]] = {}
    for key in data:
        match = _KEY.match(key)
        if match:
            values = [v.strip() for v in data.getlist(key) if v.strip()]
            found.setdefault(match.group(1), []).extend(values)
    return found


def check(service_code: str, raw: dict[str, list[str]]) -> Checked:
    checked = Checked()
    for attribute in attributes_of(service_code):
        values = raw.get(attribute.code, [])
        if not values:
            if attribute.required:
                checked.errors.append(
                    _("attribute[%(code)s] is required: %(question)s")
                    % {"code": attribute.code, "question": attribute.description}
                )
            continue
        problem = _problem(attribute, values)
        if problem:
            checked.errors.append(f"attribute[{attribute.code}]: {problem}")
            continue
        value: str | list[str] = values if attribute.datatype == "multivaluelist" else values[0]
        checked.values[attribute.code] = value
        shown = "、".join(attribute.name_of(v) for v in values)
        checked.lines.append(f"{attribute.description}{shown}")
    if service_code == "0102" and "items" in checked.values:
        checked.items, problem = parse_items(str(checked.values["items"]))
        if problem:
            checked.errors.append(f"attribute[items]: {problem}")
    return checked


def _problem(attribute: Attribute, values: list[str]) -> str:
    keys = {key for key, _name in attribute.values}
    if attribute.datatype != "multivaluelist" and len(values) > 1:
        return _("give one value only.")
    if attribute.datatype in {"singlevaluelist", "multivaluelist"}:
        unknown = [v for v in values if v not in keys]
        return (
            _("unknown value %(value)s; use one of %(keys)s.")
            % {
                "value": unknown[0],
                "keys": ", ".join(sorted(keys)),
            }
            if unknown
            else ""
        )
    value = values[0]
    if attribute.datatype == "number":
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        return "" if number.is_finite() else _("not a number.")
    if attribute.datatype == "datetime":
        try:
            parsed = parse_datetime(value) or parse_date(value)
        except ValueError:
            parsed = None
        return "" if parsed else _("not an ISO 8601 date and time.")
    if attribute.datatype == "string" and ("\n" in value or len(value) > MAX_STRING):
        return _("one line of at most %(n)d characters.") % {"n": MAX_STRING}
    if len(value) > MAX_TEXT:
        return _("at most %(n)d characters.") % {"n": MAX_TEXT}
    return ""


def parse_items(text: str) -> tuple[list[ItemInput], str]:
    """A supply list as people write it — "大米 2 袋", "2袋大米", "一斤面粉" — one item per line or comma.

    A line without a quantity is one of it: the handler still sees the words and ticks it off.
    """
    items = []
    for part in _ITEM_SPLIT.split(text):
        line = _HAN_QUANTITY.sub(lambda m: _HAN_DIGITS[m.group(1)], part.strip())
        if not line:
            continue
        match = _NAME_FIRST.match(line) or _QUANTITY_FIRST.match(line)
        if match:
            items.append(ItemInput(match["name"].strip(), match["qty"], match["unit"] or ""))
        else:
            items.append(ItemInput(line, 1, ""))
    if len(items) > MAX_ITEMS:
        return [], _("at most %(n)d items.") % {"n": MAX_ITEMS}
    return items, ""
