"""`address_string` → a building or household of the registry, or a clear refusal.

People write addresses with and without spaces and with more or less of the place around them
("温岭市太平街道东辉小区9幢4单元201" for the registry's "东辉小区9幢 4单元 201"), so both sides are
compared without whitespace, and a registry address found inside the text counts as a match.
A full scan, not an index: Open311 posts by address are rare next to the registry's size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Length, Replace
from django.utils.translation import gettext as _

from gridgov.people.models import Building, Household

_SPACE = re.compile(r"\s+")
MIN_LENGTH = 4  # shorter text or registry addresses ("9幢") say too little to pick one place


class NotFound(Exception):
    pass


@dataclass(frozen=True)
class Place:
    building_id: int | None = None
    household_id: int | None = None


def flat(text: str) -> str:
    return _SPACE.sub("", text)


def _flat(queryset: QuerySet[Any]) -> QuerySet[Any]:
    no_space = Replace(Replace(F("address"), Value(" "), Value("")), Value("\u3000"), Value(""))
    flattened: QuerySet[Any] = queryset.annotate(flat=no_space, flat_length=Length(no_space))
    return flattened


def _one(rows: list[Any], text: str) -> Any:
    if len(rows) > 1:
        raise NotFound(
            _("The address %(address)s matches several places in the registry; give more of it.")
            % {"address": text}
        )
    return rows[0] if rows else None


def _place(row: Any) -> Place:
    if isinstance(row, Household):
        return Place(building_id=row.building_id, household_id=row.pk)
    return Place(building_id=row.pk)


def locate(text: str) -> Place:
    query = flat(text)
    if len(query) < MIN_LENGTH:
        raise NotFound(_("The address is too short to find in the registry."))
    households = _flat(Household.objects.all())
    buildings = _flat(Building.objects.all())
    # 1. The registry's own address, as written.
    for rows in (households.filter(flat=query), buildings.filter(flat=query)):
        found = _one(list(rows[:2]), text)
        if found is not None:
            return _place(found)
    # 2. A registry address inside the text: the longest, so a room beats its building.
    inside: list[Any] = []
    for queryset in (households, buildings):
        inside += (
            queryset.alias(text=Value(query))
            .filter(text__contains=F("flat"), flat_length__gte=MIN_LENGTH)
            .order_by("-flat_length")[:2]
        )
    if inside:
        inside.sort(key=lambda row: -row.flat_length)
        longest = [row for row in inside if row.flat_length == inside[0].flat_length]
        return _place(_one(longest, text))
    # 3. The text inside a registry address: one building, or one household.
    found = _one(list(buildings.filter(flat__contains=query)[:2]), text)
    if found is None:
        found = _one(list(households.filter(flat__contains=query)[:2]), text)
    if found is None:
        raise NotFound(
            _("No building or household in the registry has the address %(address)s.") % {"address": text}
        )
    return _place(found)
