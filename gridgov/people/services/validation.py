"""One validation of a person's details, shared by forms, the API and the Excel import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import Collector
from gridgov.people.identity import DocumentType, IdentityError, normalize_phone, validate_document
from gridgov.people.models import Resident
from gridgov.people.pinyin import name_keys

MAX_AGE_YEARS = 130
# Django's Choices.values builds a new list on every call; an import asks five times a row.
_DOCUMENT_TYPES = frozenset(DocumentType.values)
_GENDERS = frozenset(Resident.Gender.values)
_RELATIONS = frozenset(Resident.Relation.values)
_KINDS = frozenset(Resident.Kind.values)


@dataclass
class ResidentInput:
    name: str
    document_number: str
    document_type: str = DocumentType.RESIDENT_ID
    gender: str = ""  # derived from a resident ID when empty
    birth_date: dt.date | None = None  # likewise
    phone: str = ""
    relation: str = Resident.Relation.HEAD
    kind: str = Resident.Kind.REGISTERED
    workplace: str = ""


@dataclass
class CleanResident:
    name: str
    pinyin: str
    initials: str
    gender: str
    birth_date: dt.date
    document_type: str
    document_number: str  # normalised, in memory only
    phone: str
    relation: str
    kind: str
    workplace: str
    warnings: list[str] = field(default_factory=list)


def clean_resident(data: ResidentInput, *, today: dt.date | None = None) -> CleanResident:
    today = today or timezone.localdate()
    errors = Collector()
    name = " ".join(data.name.split())
    if not name:
        errors.add("name", _("The name is missing."))
    elif len(name) > 60:
        errors.add("name", _("The name is longer than 60 characters."))
    if data.document_type not in _DOCUMENT_TYPES:
        errors.add("document_type", _("Unknown document type."))
    check = None
    if not data.document_number.strip():
        errors.add("document_number", _("The document number is missing."))
    elif data.document_type in _DOCUMENT_TYPES:
        try:
            check = validate_document(data.document_type, data.document_number, on=today)
        except IdentityError as error:
            errors.add("document_number", error.message)
    gender = data.gender or (check.gender if check and check.gender else "")
    birth = data.birth_date or (check.birth_date if check else None)
    if check is not None and check.birth_date and data.birth_date and data.birth_date != check.birth_date:
        errors.add(
            "birth_date",
            _("The birth date does not match the document number (%(date)s).")
            % {"date": check.birth_date.isoformat()},
        )
    if check is not None and check.gender and data.gender and data.gender != check.gender:
        errors.add("gender", _("The gender does not match the document number."))
    if gender not in _GENDERS:
        errors.add("gender", _("Choose a gender."))
    if birth is None:
        errors.add("birth_date", _("The birth date is missing."))
    elif birth > today:
        errors.add("birth_date", _("The birth date is in the future."))
    elif birth.year < today.year - MAX_AGE_YEARS:
        errors.add(
            "birth_date", _("The birth date is more than %(years)d years ago.") % {"years": MAX_AGE_YEARS}
        )
    phone = ""
    if data.phone.strip():
        try:
            phone = normalize_phone(data.phone)
        except IdentityError as error:
            errors.add("phone", error.message)
    if data.relation not in _RELATIONS:
        errors.add("relation", _("Unknown relation to the head of household."))
    if data.kind not in _KINDS:
        errors.add("kind", _("Choose registered or floating."))
    if len(data.workplace) > 100:
        errors.add("workplace", _("The workplace is longer than 100 characters."))
    errors.raise_if_any()
    assert check is not None and birth is not None
    pinyin, initials = name_keys(name)
    pinyin, initials = pinyin[:120], initials[:30]  # the columns' sizes; a prefix search still finds them
    return CleanResident(
        name=name,
        pinyin=pinyin,
        initials=initials,
        gender=gender,
        birth_date=birth,
        document_type=data.document_type,
        document_number=check.normalized,
        phone=phone,
        relation=data.relation,
        kind=data.kind,
        workplace=data.workplace.strip(),
        warnings=list(check.warnings),
    )
