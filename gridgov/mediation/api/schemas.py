"""Request bodies of the mediation API. Types are checked here; the rules live in the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field


class Versioned(Schema):
    version: int  # the version the client read: a stale one is answered 409 "conflict"


class PartyIn(Schema):
    name: str = Field("", max_length=100)
    resident_id: int | None = None
    kind: Literal["person", "organisation"] = "person"
    phone: str = Field("", max_length=30)
    address: str = Field("", max_length=200)


class DisputeIn(Schema):
    title: str = Field(..., max_length=100)
    kind: str
    matter: str = Field(..., max_length=4000)
    happened_on: dt.date
    risk: str
    grid: str = Field("", max_length=20, description="a grid code: the place when no point is given")
    lng: float | None = None
    lat: float | None = None
    household_id: int | None = None
    violence_risk: bool = False
    found_by: Literal["screening", "report", "referral", "case"] = "screening"
    parties: list[PartyIn] = Field(default_factory=list)


class RiskIn(Versioned):
    risk: str
    reason: str = Field("", max_length=300)
    violence_risk: bool | None = None


class SessionIn(Versioned):
    held_on: dt.date
    place: str = Field("", max_length=200)
    attendees: str = Field("", max_length=500)
    summary: str = Field("", max_length=4000)


class TierIn(Versioned):
    reason: str = Field("", max_length=2000)


class ExtendIn(Versioned):
    days: int
    consent: str = Field("", max_length=2000)


class EndIn(Versioned):
    outcome: Literal["resolved", "referred"]
    note: str = Field("", max_length=2000)
    referral: Literal["", "arbitration", "court", "administrative"] = ""


class AgreementIn(Versioned):
    facts: str = Field("", max_length=4000)
    matters: str = Field("", max_length=4000)
    terms: str = Field("", max_length=4000)
    performance_manner: str = Field("", max_length=300)
    performance_place: str = Field("", max_length=200)
    performance_deadline: dt.date | None = None
    signed_on: dt.date | None = None
    parties_signed: bool = False
    committee_sealed: bool = False


class FollowUpIn(Schema):
    note: str = Field("", max_length=2000)
    performance: Literal["pending", "performed", "broken"]


class VisitIn(Schema):
    centre_id: int
    on: dt.date
    purpose: str = Field("", max_length=200)


class AnswerIn(Schema):
    answer: str = Field("", max_length=2000)


class ClueIn(Schema):
    grid: str = Field(..., max_length=20)
    kind: Literal["incipient", "tendency", "warning"]
    source: str = Field("", max_length=100)
    found_on: dt.date
    description: str = Field("", max_length=2000)
    address: str = Field("", max_length=200)
    resident_ids: list[int] = Field(default_factory=list, max_length=50)
    dispute_id: int | None = None


class ConsultationIn(Schema):
    village: str = Field(..., max_length=20)
    title: str = Field("", max_length=100)
    proposal: str = Field("", max_length=4000)
    proposed_by: str = Field("", max_length=200)
    proposed_on: dt.date


class MeetingIn(Versioned):
    held_on: dt.date
    place: str = Field("", max_length=200)
    attendance: int = Field(..., ge=0, le=100_000)
    attendees: str = Field("", max_length=500)
    minutes: str = Field("", max_length=8000)


class ShareIn(Schema):
    source: Literal["residents", "village", "enterprise", "subsidy", "other"]
    amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    contributor: str = Field("", max_length=100)


class DecisionIn(Versioned):
    adopted: bool
    decision: str = Field("", max_length=4000)
    decided_on: dt.date
    total: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    shares: list[ShareIn] = Field(default_factory=list, max_length=20)


class ProgressIn(Versioned):
    on: dt.date
    percent: int = Field(..., ge=0, le=100)
    note: str = Field("", max_length=500)
