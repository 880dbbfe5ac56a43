"""Registry fixtures: buildings and households on the small map, residents with fictional numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gridgov.core import context
from gridgov.people.identity import check_char
from gridgov.people.models import Building, Household, Tag
from gridgov.people.services import places
from gridgov.people.services.residents import RegistrationInput, register_resident
from gridgov.people.services.validation import ResidentInput


def resident_id(birth: str, sequence: str, area: str = "331081") -> str:
    """A valid, obviously fictional number: sequence 99x is never issued in these tests' areas."""
    body = f"{area}{birth}{sequence}"
    return body + check_char(body)


# 林大娘: born 1948, a woman (even sequence digit).
LIN_DANIANG_ID = resident_id("19480312", "998")
TANG_ID = resident_id("19850607", "996")
NEWCOMER_ID = resident_id("19990101", "991", area="511702")


def building(actor: Any, col: int = 0, name: str = "9幢", floors: int = 18) -> Building:
    # The small map's grid `col` spans longitudes 121.36 + col*0.01 .. +0.01.
    return places.create_building(
        actor, name=name, address=f"东辉小区{name}", lng=121.365 + col * 0.01, lat=28.365, floors=floors
    )


def household(actor: Any, b: Building, unit: str = "4单元", room: str = "201") -> Household:
    return places.ensure_household(actor, b, unit, room)


def tags() -> dict[str, Tag]:
    return {
        "elderly_alone": Tag.objects.create(code="elderly_alone", name="独居老人"),
        "home_quarantine": Tag.objects.create(code="home_quarantine", name="居家隔离"),
    }


def register(actor: Any, h: Household, name: str, number: str, **extra: Any) -> Any:
    registration = extra.pop("registration", None)
    moved_in = extra.pop("moved_in", dt.date(2020, 1, 1))
    with context.acting(context.ActorContext(actor_id=actor.pk, actor_name=actor.username)):
        return register_resident(
            actor,
            h,
            ResidentInput(name=name, document_number=number, **extra),
            moved_in=moved_in,
            registration=registration,
        )


def floating_registration(months: int = 6, start: dt.date | None = None) -> RegistrationInput:
    start = start or timezone.localdate() - dt.timedelta(days=30)
    return RegistrationInput(
        start=start,
        expected_end=start + dt.timedelta(days=30 * months),
        landlord_name="张房东",
        landlord_phone="13900001111",
    )
