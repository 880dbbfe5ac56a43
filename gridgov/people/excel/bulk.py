"""Bulk versions of the registry's create services, for imports of thousands of rows.

`places.ensure_household` and `residents.register_resident` cost several queries per record; these
do the same writes for a whole batch through the audited querysets (bulk_create appends one audit entry
per record, in the same transaction). The checks those services make per record — scope, permission,
duplicate documents, validation — the importer has made for the whole file before calling them.
They belong next to their single-record versions in gridgov.people.services and can move there as is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gridgov.core.errors import NotInScope
from gridgov.core.models.insert import maker
from gridgov.people.models import Building, Household, Residence, ResidenceRegistration, Resident, Unit
from gridgov.people.services import residents as service
from gridgov.people.services import sealing
from gridgov.people.services.residents import RegistrationInput
from gridgov.people.services.validation import CleanResident

BATCH = 1000
HouseholdKey = tuple[int, str, str]  # building pk, unit number ("" for none), room


def ensure_households(actor: Any, keys: Iterable[HouseholdKey]) -> tuple[dict[HouseholdKey, Household], int]:
    """The households at these building/unit/room keys, created (with their units) where missing;
    and how many were created."""
    if not actor.has_perm("people.add_household"):
        raise PermissionDenied(_("Your role may not do this."))
    wanted = {(b, u.strip(), r.strip()) for b, u, r in keys}
    building_ids = {b for b, _u, _r in wanted}
    buildings = Building.objects.restrict(actor, "change").in_bulk(building_ids)
    if len(buildings) != len(building_ids):
        raise NotInScope(_("This building is outside your grids."))
    units = {(u.building_id, u.number): u for u in Unit.objects.filter(building_id__in=building_ids)}
    new_units = [
        Unit(building=buildings[b], number=n)
        for b, n in sorted({(b, u) for b, u, _r in wanted if u and (b, u) not in units})
    ]
    for created in Unit.objects.bulk_create(new_units, batch_size=BATCH):
        units[(created.building_id, created.number)] = created
    found: dict[HouseholdKey, Household] = {}
    for household in Household.objects.filter(building_id__in=building_ids).select_related("unit"):
        found[(household.building_id, household.unit.number if household.unit else "", household.room)] = (
            household
        )
    missing = []
    new_household = maker(Household)
    for key in sorted(wanted - found.keys()):
        building_id, number, room = key
        building, unit = buildings[building_id], units.get((building_id, number)) if number else None
        parts = [building.address, unit.number if unit else "", room]
        missing.append(
            new_household(
                building=building,
                unit=unit,
                room=room,
                grid_id=building.grid_id,
                address=" ".join(p for p in parts if p),
            )
        )
    for household in Household.objects.bulk_create(missing, batch_size=BATCH):
        found[(household.building_id, household.unit.number if household.unit else "", household.room)] = (
            household
        )
    return {key: found[key] for key in wanted}, len(missing)


@dataclass
class NewResident:
    household: Household
    clean: CleanResident
    moved_in: dt.date
    registration: RegistrationInput | None = None
    landlord_phone: str = ""  # normalised


def register_residents(actor: Any, people: list[NewResident]) -> list[Resident]:
    """Residents new to the registry, each with their first stay and, if floating, a registration."""
    if not actor.has_perm("people.add_resident"):
        raise PermissionDenied(_("Your role may not do this."))
    # Built by `maker`: model(**values) without Model.__init__'s walk over every field, per object.
    new_resident, new_stay, new_registration = (
        maker(m) for m in (Resident, Residence, ResidenceRegistration)
    )
    residents = []
    for person in people:
        clean = person.clean
        resident = new_resident(
            # By id: the object would only be checked and cached again, and nothing reads it back.
            household_id=person.household.pk,
            grid_id=person.household.grid_id,
            name=clean.name,
            name_pinyin=clean.pinyin,
            name_initials=clean.initials,
            gender=clean.gender,
            birth_date=clean.birth_date,
            relation=clean.relation,
            kind=clean.kind,
            workplace=clean.workplace,
        )
        sealing.seal_document(resident, clean.document_type, clean.document_number)
        sealing.seal_phone(resident, clean.phone)
        residents.append(resident)
    Resident.objects.bulk_create(residents, batch_size=BATCH)
    Residence.objects.bulk_create(
        [
            new_stay(resident=r, household=p.household, moved_in=p.moved_in)
            for r, p in zip(residents, people, strict=True)
        ],
        batch_size=BATCH,
    )
    registrations = []
    for resident, person in zip(residents, people, strict=True):
        data = person.registration
        if data is None or resident.kind != Resident.Kind.FLOATING:
            continue
        record = new_registration(
            resident=resident,
            household=person.household,
            start=data.start,
            expected_end=data.expected_end,
            landlord_name=data.landlord_name.strip(),
            reason=data.reason,
            registered_by=actor,
        )
        sealing.seal_landlord_phone(record, person.landlord_phone)
        registrations.append(record)
    ResidenceRegistration.objects.bulk_create(registrations, batch_size=BATCH)
    return residents


# What `residents.fill` sets: the columns an update of a person's details writes.
DETAILS = [
    "name",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "relation",
    "kind",
    "workplace",
    "document_type",
    "document_cipher",
    "document_index",
    "document_masked",
    "phone_cipher",
    "phone_index",
    "phone_masked",
]


def update_residents(actor: Any, changes: list[tuple[int, CleanResident]]) -> list[int]:
    """New details for residents already registered, as `residents.update_resident` writes them, for a
    batch at once: one read, one bulk_update and one insert of audit entries (a before/after per row).

    Nothing is written when any of them is no longer the actor's to change (moved out of their grids,
    anonymised since the file was checked): their pks are returned instead.
    """
    if not actor.has_perm("people.change_resident"):
        raise PermissionDenied(_("Your role may not do this."))
    allowed = Resident.objects.restrict(actor, "change").filter(anonymised_at=None)
    found: dict[int, Resident] = {}
    for start in range(0, len(changes), BATCH):
        found |= allowed.in_bulk([pk for pk, _clean in changes[start : start + BATCH]])
    refused = [pk for pk, _clean in changes if pk not in found]
    if refused:
        return refused
    for pk, clean in changes:
        service.fill(found[pk], clean)
    Resident.objects.bulk_update([found[pk] for pk, _clean in changes], DETAILS, batch_size=BATCH)
    return []


def open_registrations(resident_ids: list[int]) -> set[tuple[int, dt.date]]:
    """(resident, start) of the open residence registrations of these residents."""
    found: set[tuple[int, dt.date]] = set()
    for start in range(0, len(resident_ids), BATCH):
        rows = ResidenceRegistration.objects.filter(
            resident_id__in=resident_ids[start : start + BATCH], ended_on=None
        ).values_list("resident_id", "start")
        found.update(rows)
    return found
