"""What the registry API reads and writes. Personal numbers only ever leave masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from gridgov.people.models import Building, Household, Resident, ResidentTag


class ResidentIn(Schema):
    name: str = Field(..., max_length=60)
    document_type: str = "resident_id"
    document_number: str = Field(..., max_length=40)
    gender: str = ""
    birth_date: dt.date | None = None
    phone: str = Field("", max_length=30)
    relation: str = "head"
    kind: str = "registered"
    workplace: str = Field("", max_length=100)


class RegistrationIn(Schema):
    start: dt.date
    expected_end: dt.date
    landlord_name: str = Field("", max_length=60)
    landlord_phone: str = Field("", max_length=30)
    reason: str = "work"


class RegisterIn(ResidentIn):
    household_id: int
    moved_in: dt.date
    registration: RegistrationIn | None = None


class UnmaskIn(Schema):
    fields: list[str] = Field(default_factory=lambda: ["document_number", "phone"])
    reason: str = Field(..., max_length=500)


class MoveOutIn(Schema):
    on: dt.date
    leaves_area: bool = True


class MoveInIn(Schema):
    household_id: int
    on: dt.date


class TagIn(Schema):
    tag: str
    start: dt.date
    end: dt.date | None = None
    note: str = Field("", max_length=200)


class BuildingIn(Schema):
    name: str = Field(..., max_length=60)
    address: str = Field(..., max_length=200)
    lng: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)
    crs: str = "wgs84"
    floors: int = Field(..., ge=1, le=200)
    use: str = "residential"
    high_rise: bool | None = None


class HouseholdIn(Schema):
    building_id: int
    unit: str = Field("", max_length=20)
    room: str = Field(..., max_length=20)


def resident_row(r: Resident) -> dict[str, Any]:
    return {
        "id": r.pk,
        "name": r.name,
        "gender": r.gender,
        "birth_date": r.birth_date.isoformat(),
        "document_type": r.document_type,
        "document_number": r.document_masked,
        "phone": r.phone_masked,
        "kind": r.kind,
        "relation": r.relation,
        "household_id": r.household_id,
        "address": r.household.address if r.household else "",
        "grid": r.grid.code if r.grid else None,
        "moved_away_on": r.moved_away_on.isoformat() if r.moved_away_on else None,
    }


def tag_row(link: ResidentTag) -> dict[str, Any]:
    return {
        "id": link.pk,
        "tag": link.tag.code,
        "name": link.tag.name,
        "start": link.start.isoformat(),
        "end": link.end.isoformat() if link.end else None,
        "note": link.note,
    }


def building_row(b: Building) -> dict[str, Any]:
    return {
        "id": b.pk,
        "name": b.name,
        "address": b.address,
        "grid": b.grid.code,
        "lng": b.lng,
        "lat": b.lat,
        "floors": b.floors,
        "high_rise": b.high_rise,
        "use": b.use,
    }


def household_row(h: Household) -> dict[str, Any]:
    return {
        "id": h.pk,
        "building_id": h.building_id,
        "unit": h.unit.number if h.unit else "",
        "room": h.room,
        "address": h.address,
        "grid": h.grid.code,
    }
