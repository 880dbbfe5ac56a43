"""Put a document number or phone on a record: ciphertext, blind index and masked form, never clear."""

from __future__ import annotations

from gridgov.core import crypto
from gridgov.core.masking import mask_id_number, mask_phone
from gridgov.people.identity import DocumentType
from gridgov.people.models import ResidenceRegistration, Resident

DOCUMENT = "people.resident.document"
PHONE = "people.resident.phone"
LANDLORD_PHONE = "people.registration.landlord_phone"
# One index space for every phone, so a search finds a number whoever it belongs to.
PHONE_INDEX = "people.phone"


def document_key(document_type: str, normalized: str) -> str:
    return f"{document_type}:{normalized}"


def _same(record: object, prefix: str, new_index: str) -> bool:
    """The record already holds this value under the current key. Sealing it again would only draw a
    fresh nonce: a new ciphertext for the same number, recorded on the audit trail as a change.
    (Read with getattr: the demo generator seals into light holders whose slots start unset.)"""
    cipher = getattr(record, f"{prefix}_cipher", "")
    index = getattr(record, f"{prefix}_index", "")
    return bool(cipher) and index == new_index and not crypto.needs_rotation(cipher)


def seal_document(resident: Resident, document_type: str, normalized: str) -> None:
    index = crypto.blind_index(document_key(document_type, normalized), DOCUMENT)
    if getattr(resident, "document_type", "") == document_type and _same(resident, "document", index):
        return
    resident.document_type = document_type
    resident.document_cipher = crypto.encrypt(normalized, DOCUMENT)
    resident.document_index = index
    resident.document_masked = mask_id_number(normalized)


def seal_phone(resident: Resident, phone: str) -> None:
    index = crypto.blind_index(phone, PHONE_INDEX) if phone else ""
    if _same(resident, "phone", index):
        return
    resident.phone_cipher = crypto.encrypt(phone, PHONE) if phone else ""
    resident.phone_index = index
    resident.phone_masked = mask_phone(phone) if phone else ""


def seal_landlord_phone(registration: ResidenceRegistration, phone: str) -> None:
    index = crypto.blind_index(phone, PHONE_INDEX) if phone else ""
    if _same(registration, "landlord_phone", index):
        return
    registration.landlord_phone_cipher = crypto.encrypt(phone, LANDLORD_PHONE) if phone else ""
    registration.landlord_phone_index = index
    registration.landlord_phone_masked = mask_phone(phone) if phone else ""


def document_candidates(normalized: str, document_type: str | None = None) -> list[str]:
    """Blind-index values to look a document up by, under every key of the ring and, when the type
    is unknown (the search box), under every document type."""
    types = [document_type] if document_type else list(DocumentType.values)
    return [c for t in types for c in crypto.blind_index_candidates(document_key(t, normalized), DOCUMENT)]


def phone_candidates(phone: str) -> list[str]:
    return crypto.blind_index_candidates(phone, PHONE_INDEX)


def open_document(resident: Resident) -> str:
    return crypto.decrypt(resident.document_cipher, DOCUMENT)


def open_phone(resident: Resident) -> str:
    return crypto.decrypt(resident.phone_cipher, PHONE) if resident.phone_cipher else ""
