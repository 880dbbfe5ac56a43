"""PIPL in practice: unmasking with a reason, a person's own copy, anonymising those long gone,
and re-encrypting everything under a new key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit, crypto
from gridgov.core.errors import Invalid
from gridgov.people.models import ResidenceRegistration, Resident
from gridgov.people.services import sealing
from gridgov.people.services.residents import resident_for

FIELDS = ("document_number", "phone")
ANONYMOUS = "（已匿名）"


def record_card_view(actor: Any, resident: Resident) -> None:
    """Opening a resident's card is a view of personal data, even masked."""
    audit.record_view(resident, ["card"], "")


def unmask(actor: Any, resident_id: int, fields: list[str], reason: str) -> dict[str, str]:
    """Full document number and/or phone of one resident: permission, scope, reason, audit entry."""
    if not actor.has_perm("people.unmask_resident"):
        raise PermissionDenied(_("Your role may not see full document numbers or phones."))
    resident = resident_for(actor, resident_id, "view")
    wanted = [f for f in fields if f in FIELDS] or list(FIELDS)
    if len(reason.strip()) < 2:
        raise Invalid.one("reason", _("State why you need to see this."))
    values = {}
    if "document_number" in wanted:
        values["document_number"] = sealing.open_document(resident)
    if "phone" in wanted:
        values["phone"] = sealing.open_phone(resident)
    audit.record_view(resident, wanted, reason.strip())
    return values


def personal_copy(actor: Any, resident_id: int, reason: str) -> dict[str, Any]:
    """Everything the registry holds about one person, for that person (PIPL art. 45)."""
    values = unmask(actor, resident_id, list(FIELDS), reason)
    resident = Resident.objects.get(pk=resident_id)
    audit.record_event("export", str(resident.pk), {"kind": "personal_copy"}, reason.strip())
    return {
        "name": resident.name,
        "gender": resident.get_gender_display(),
        "birth_date": resident.birth_date.isoformat(),
        "document_type": resident.document_type,
        **values,
        "kind": resident.get_kind_display(),
        "relation": resident.get_relation_display(),
        "workplace": resident.workplace,
        "household": resident.household.address if resident.household else "",
        "residences": [
            {
                "address": r.household.address,
                "moved_in": r.moved_in.isoformat(),
                "moved_out": r.moved_out.isoformat() if r.moved_out else None,
            }
            for r in resident.residences.select_related("household").order_by("moved_in")
        ],
        "registrations": [
            {
                "start": g.start.isoformat(),
                "expected_end": g.expected_end.isoformat(),
                "ended_on": g.ended_on.isoformat() if g.ended_on else None,
                "landlord": g.landlord_name,
            }
            for g in resident.registrations.order_by("start")
        ],
        "tags": [
            {"tag": t.tag.name, "from": t.start.isoformat(), "until": t.end.isoformat() if t.end else None}
            for t in resident.tag_links.select_related("tag")
        ],
    }


def anonymise_departed(today: dt.date | None = None, retention_days: int | None = None) -> int:
    """Strip the identity of residents who moved away longer ago than the retention period.

    What remains (gender, birth year, the history of stays) still counts in past figures but points
    to nobody.
    """
    today = today or timezone.localdate()
    days = retention_days if retention_days is not None else settings.GRIDGOV_RESIDENT_RETENTION_DAYS
    cutoff = today - dt.timedelta(days=days)
    done = 0
    for resident in Resident.objects.filter(moved_away_on__lt=cutoff, household=None, anonymised_at=None):
        with transaction.atomic():
            resident.name, resident.name_pinyin, resident.name_initials = ANONYMOUS, "", ""
            resident.birth_date = resident.birth_date.replace(month=1, day=1)
            resident.document_cipher = resident.document_index = resident.document_masked = ""
            resident.phone_cipher = resident.phone_index = resident.phone_masked = ""
            resident.workplace = ""
            resident.anonymised_at = timezone.now()
            resident.save()
            resident.registrations.update(
                landlord_name="", landlord_phone_cipher="", landlord_phone_index="", landlord_phone_masked=""
            )
            resident.tag_links.all().delete()
        done += 1
    return done


# (model, cipher column, index column, encryption context, index context, index value from plaintext)
Rotation = tuple[type[Any], str, str, str, str, Callable[[Any, str], str]]
ROTATIONS: list[Rotation] = [
    (
        Resident,
        "document_cipher",
        "document_index",
        sealing.DOCUMENT,
        sealing.DOCUMENT,
        lambda row, plain: sealing.document_key(row.document_type, plain),
    ),
    (Resident, "phone_cipher", "phone_index", sealing.PHONE, sealing.PHONE_INDEX, lambda row, plain: plain),
    (
        ResidenceRegistration,
        "landlord_phone_cipher",
        "landlord_phone_index",
        sealing.LANDLORD_PHONE,
        sealing.PHONE_INDEX,
        lambda row, plain: plain,
    ),
]


def rotate_batch(rotation: Rotation, batch: int = 1000) -> int:
    """Re-encrypt one batch of values still under an old key; 0 when none is left.

    Each batch is its own short transaction, so the service keeps running: readers decrypt old and new
    ciphertexts alike, and lookups try every key's blind index until the rotation is complete.
    """
    model, cipher, index, context, index_context, index_value = rotation
    current = crypto.keyring().current_id
    with transaction.atomic():
        rows = list(
            model.objects.select_for_update()
            .exclude(**{cipher: ""})
            .exclude(**{f"{cipher}__startswith": f"v1:{current}:"})
            .order_by("pk")[:batch]
        )
        for row in rows:
            plain = crypto.decrypt(getattr(row, cipher), context)
            setattr(row, cipher, crypto.encrypt(plain, context))
            setattr(row, index, crypto.blind_index(index_value(row, plain), index_context))
        if rows:
            model.objects.bulk_update(rows, [cipher, index], batch_size=500)
    return len(rows)
