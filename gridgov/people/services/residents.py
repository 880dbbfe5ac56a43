"""Registering, changing, moving and tagging residents. Each function owns one change of state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import Collector, Invalid, NotInScope
from gridgov.people.identity import IdentityError, normalize_phone
from gridgov.people.models import Household, Residence, ResidenceRegistration, Resident, ResidentTag, Tag
from gridgov.people.services import sealing
from gridgov.people.services.validation import CleanResident, ResidentInput, clean_resident


@dataclass
class RegistrationInput:
    start: dt.date
    expected_end: dt.date
    landlord_name: str = ""
    landlord_phone: str = ""
    reason: str = ResidenceRegistration.Reason.WORK


def _household(actor: Any, household: Household | int) -> Household:
    pk = household if isinstance(household, int) else household.pk
    found = Household.objects.restrict(actor, "change").select_related("grid").filter(pk=pk).first()
    if found is None:
        raise NotInScope(_("This household is outside your grids."))
    return found


def resident_for(actor: Any, resident_id: int, action: str = "change") -> Resident:
    found = Resident.objects.restrict(actor, action).filter(pk=resident_id, anonymised_at=None).first()
    if found is None:
        raise NotInScope(_("This resident is outside your grids."))
    return found


def find_by_document(document_type: str, normalized: str) -> Resident | None:
    """The one resident with this document, across the whole registry (a duplicate check, not a view)."""
    return Resident.objects.filter(
        document_index__in=sealing.document_candidates(normalized, document_type)
    ).first()


def fill(resident: Resident, clean: CleanResident) -> None:
    """Put checked details on the record; an unchanged number keeps its ciphertext (see sealing)."""
    resident.name, resident.name_pinyin, resident.name_initials = clean.name, clean.pinyin, clean.initials
    resident.gender, resident.birth_date = clean.gender, clean.birth_date
    resident.relation, resident.kind, resident.workplace = clean.relation, clean.kind, clean.workplace
    sealing.seal_document(resident, clean.document_type, clean.document_number)
    sealing.seal_phone(resident, clean.phone)


def _clean_registration(data: RegistrationInput, errors: Collector) -> str:
    if data.expected_end < data.start:
        errors.add("expected_end", _("The expected end is before the start."))
    if data.reason not in ResidenceRegistration.Reason.values:
        errors.add("reason", _("Unknown reason."))
    phone = ""
    if data.landlord_phone.strip():
        try:
            phone = normalize_phone(data.landlord_phone)
        except IdentityError as error:
            errors.add("landlord_phone", error.message)
    return phone


@transaction.atomic
def register_resident(
    actor: Any,
    household: Household | int,
    data: ResidentInput,
    *,
    moved_in: dt.date,
    registration: RegistrationInput | None = None,
) -> Resident:
    """A new person in a household; a floating resident comes with a residence registration."""
    if not actor.has_perm("people.add_resident"):
        raise PermissionDenied(_("Your role may not do this."))
    target = _household(actor, household)
    clean = clean_resident(data)
    errors = Collector()
    if find_by_document(clean.document_type, clean.document_number) is not None:
        errors.add("document_number", _("Someone with this document is already registered."))
    landlord_phone = ""
    if clean.kind == Resident.Kind.FLOATING:
        if registration is None:
            errors.add("registration", _("A floating resident needs a residence registration."))
        else:
            landlord_phone = _clean_registration(registration, errors)
    if moved_in > timezone.localdate():
        errors.add("moved_in", _("The move-in date is in the future."))
    errors.raise_if_any()
    resident = Resident(household=target, grid_id=target.grid_id)
    fill(resident, clean)
    resident.save()
    Residence.objects.create(resident=resident, household=target, moved_in=moved_in)
    if registration is not None and clean.kind == Resident.Kind.FLOATING:
        _add_registration(actor, resident, target, registration, landlord_phone)
    return resident


def _add_registration(
    actor: Any, resident: Resident, household: Household, data: RegistrationInput, landlord_phone: str
) -> ResidenceRegistration:
    record = ResidenceRegistration(
        resident=resident,
        household=household,
        start=data.start,
        expected_end=data.expected_end,
        landlord_name=data.landlord_name.strip(),
        reason=data.reason,
        registered_by=actor,
    )
    sealing.seal_landlord_phone(record, landlord_phone)
    record.save()
    return record


@transaction.atomic
def renew_registration(actor: Any, resident_id: int, data: RegistrationInput) -> ResidenceRegistration:
    """A floating resident's new registration period; the open one, if any, ends the day before."""
    resident = resident_for(actor, resident_id)
    if resident.household_id is None or resident.kind != Resident.Kind.FLOATING:
        raise Invalid.one("resident", _("Only a floating resident living here can be registered."))
    errors = Collector()
    phone = _clean_registration(data, errors)
    errors.raise_if_any()
    for open_one in resident.registrations.filter(ended_on=None):
        open_one.ended_on = max(open_one.start, data.start - dt.timedelta(days=1))
        open_one.save()
    assert resident.household is not None
    return _add_registration(actor, resident, resident.household, data, phone)


@transaction.atomic
def update_resident(actor: Any, resident_id: int, data: ResidentInput) -> Resident:
    resident = resident_for(actor, resident_id)
    clean = clean_resident(data)
    other = find_by_document(clean.document_type, clean.document_number)
    if other is not None and other.pk != resident.pk:
        raise Invalid.one("document_number", _("Someone with this document is already registered."))
    fill(resident, clean)
    resident.save()
    return resident


@transaction.atomic
def move_out(actor: Any, resident_id: int, on: dt.date, *, leaves_area: bool = True) -> Resident:
    """The resident leaves the household; `leaves_area` when they leave the registry's ground."""
    resident = resident_for(actor, resident_id)
    if resident.household_id is None:
        raise Invalid.one("resident", _("This resident does not live in a household now."))
    stay = resident.residences.filter(moved_out=None).order_by("-moved_in").first()
    if stay is not None:
        if on < stay.moved_in:
            raise Invalid.one("on", _("The move-out date is before the move-in date."))
        stay.moved_out = on
        stay.save()
    for registration in resident.registrations.filter(ended_on=None):
        registration.ended_on = max(on, registration.start)
        registration.save()
    resident.household = None
    resident.moved_away_on = on if leaves_area else None
    resident.save()
    return resident


@transaction.atomic
def move_in(actor: Any, resident_id: int, household: Household | int, on: dt.date) -> Resident:
    resident = resident_for(actor, resident_id)
    target = _household(actor, household)
    if resident.household_id is not None:
        move_out(actor, resident.pk, on, leaves_area=False)
        resident.refresh_from_db()
    Residence.objects.create(resident=resident, household=target, moved_in=on)
    resident.household, resident.grid_id, resident.moved_away_on = target, target.grid_id, None
    resident.save()
    return resident


def household_on(resident: Resident, on: dt.date) -> Household | None:
    """Where the resident lived on a given date."""
    stay = (
        resident.residences.filter(moved_in__lte=on)
        .exclude(moved_out__lt=on)
        .select_related("household")
        .order_by("-moved_in")
        .first()
    )
    return stay.household if stay else None


def residents_on(household: Household, on: dt.date) -> list[Resident]:
    """Who lived in a household on a given date."""
    stays = household.residences.filter(moved_in__lte=on).exclude(moved_out__lt=on).select_related("resident")
    return sorted({s.resident for s in stays}, key=lambda r: r.name_pinyin)


@transaction.atomic
def tag_resident(
    actor: Any,
    resident_id: int,
    tag: Tag | str,
    *,
    start: dt.date,
    end: dt.date | None = None,
    note: str = "",
) -> ResidentTag:
    resident = resident_for(actor, resident_id)
    found = tag if isinstance(tag, Tag) else Tag.objects.filter(code=tag, active=True).first()
    if found is None:
        raise Invalid.one("tag", _("Unknown tag."))
    if end is not None and end < start:
        raise Invalid.one("end", _("The end date is before the start date."))
    return ResidentTag.objects.create(resident=resident, tag=found, start=start, end=end, note=note.strip())


@transaction.atomic
def end_tag(actor: Any, link_id: int, on: dt.date) -> ResidentTag:
    link = ResidentTag.objects.restrict(actor, "change").filter(pk=link_id).first()
    if link is None:
        raise NotInScope(_("This resident is outside your grids."))
    link.end = max(on, link.start)
    link.save()
    return link
