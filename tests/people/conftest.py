"""A small registry with a history, shared by the figures tests: 林大娘 in grid 1 for years, 唐女士
moved out last month, a mover who moved house (grid 1 → grid 2) yesterday, a newcomer since yesterday;
and the naive recount the figures are checked against."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from django.utils import timezone

from gridgov.core import context
from gridgov.geo.models import Grid
from gridgov.people.models import Building, Household, Residence, ResidenceRegistration, Resident
from gridgov.people.services import residents as service
from gridgov.people.services.figures import Figures
from tests.factories import Personas
from tests.people import factories as f

TODAY = timezone.localdate()
LAST_MONTH = TODAY - dt.timedelta(days=30)
YESTERDAY = TODAY - dt.timedelta(days=1)


def naive(on: dt.date) -> dict[int, Figures]:
    """Every figure from the raw history, one row at a time, with no shortcut through today's columns."""
    result = {g.pk: Figures() for g in Grid.objects.all()}
    living: dict[int, set[int]] = defaultdict(set)  # household → residents there on the date
    for stay in Residence.objects.select_related("household", "resident"):
        if stay.moved_in <= on and (stay.moved_out is None or stay.moved_out > on):
            living[stay.household_id].add(stay.resident_id)
            person, figures = stay.resident, result[stay.household.grid_id]
            if person.kind == Resident.Kind.REGISTERED:
                figures.registered += 1
            else:
                figures.floating += 1
            figures.tagged += any(
                t.start <= on and (t.end is None or t.end >= on) for t in person.tag_links.all()
            )
    for h in Household.objects.all():
        result[h.grid_id].households += 1
        result[h.grid_id].empty_households += not living[h.pk]
    for r in ResidenceRegistration.objects.select_related("household"):
        if r.expected_end < on and (r.ended_on is None or r.ended_on > on):
            result[r.household.grid_id].lapsed_registrations += 1
    for b in Building.objects.all():
        result[b.grid_id].buildings_without_households += not b.households.exists()
    return result


@pytest.fixture
def moves(personas: Personas) -> dict[str, Any]:
    admin = personas.admin
    tags = f.tags()
    b1 = f.building(admin, col=0)
    lin_home, tang_home, mover_home = (f.household(admin, b1, room=r) for r in ("201", "202", "301"))
    new_home = f.household(admin, f.building(admin, col=1, name="3幢"), room="101")
    f.building(admin, col=2, name="空楼")  # no households at all
    f.household(admin, f.building(admin, col=3, name="5幢"), room="101")  # never lived in
    lin = f.register(admin, lin_home, "林大娘", f.LIN_DANIANG_ID, moved_in=dt.date(2015, 5, 1))
    tang = f.register(
        admin,
        tang_home,
        "唐女士",
        f.TANG_ID,
        kind="floating",
        moved_in=TODAY - dt.timedelta(days=400),
        registration=service.RegistrationInput(
            start=TODAY - dt.timedelta(days=400), expected_end=TODAY - dt.timedelta(days=100)
        ),
    )
    mover = f.register(admin, mover_home, "王建国", f.resident_id("19700101", "993"))
    newcomer = f.register(
        admin,
        new_home,
        "新来者",
        f.NEWCOMER_ID,
        kind="floating",
        moved_in=YESTERDAY,
        registration=f.floating_registration(start=YESTERDAY),
    )
    with context.acting(context.ActorContext(actor_id=admin.pk, actor_name=admin.username)):
        service.tag_resident(admin, lin.pk, tags["elderly_alone"], start=dt.date(2016, 1, 1))
        service.tag_resident(admin, tang.pk, tags["home_quarantine"], start=TODAY - dt.timedelta(days=200))
        service.move_out(admin, tang.pk, LAST_MONTH)
        service.move_in(admin, mover.pk, new_home, YESTERDAY)
    return {"lin": lin, "tang": tang, "mover": mover, "newcomer": newcomer}
