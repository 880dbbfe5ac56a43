"""`gridgov rotate-data-key`: a new key prepended, old values still read and found, rewritten in batches,
and after the old key is gone everything still decrypts and is still found."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gridgov.core import crypto
from gridgov.core.errors import Invalid
from gridgov.core.models import AuditEntry
from gridgov.people.models import ResidenceRegistration, Resident
from gridgov.people.services import privacy, sealing
from gridgov.people.services.search import search
from tests.factories import Personas
from tests.people import factories as f

OLD, NEW = crypto.generate_key("old2025"), crypto.generate_key("new2026")
LANDLORD = "13900001111"  # the factories' landlord


def rotate(*args: str, **options: Any) -> str:
    out = io.StringIO()
    call_command("rotate_data_key", *args, stdout=out, **options)
    return out.getvalue()


def under(key: str, token: str) -> bool:
    return token.startswith(f"v1:{key.split(':')[0]}:")


@pytest.fixture
def people_under_old_key(settings: Any, personas: Personas) -> list[Resident]:
    settings.GRIDGOV_DATA_KEY = OLD
    home = f.household(personas.worker, f.building(personas.worker))
    residents = [
        f.register(personas.worker, home, "林大娘", f.LIN_DANIANG_ID, phone="19900009901"),
        f.register(personas.worker, home, "唐女士", f.TANG_ID, phone="19900009902"),
        f.register(
            personas.worker,
            home,
            "张新来",
            f.NEWCOMER_ID,
            kind="floating",
            registration=f.floating_registration(),
            moved_in=timezone.localdate() - dt.timedelta(days=30),
        ),
    ]
    assert all(under(OLD, r.document_cipher) for r in residents)
    return residents


def found(user: Any, query: str) -> list[str]:
    return [r.name for r in search(user, query)]


def test_with_a_new_key_prepended_old_values_decrypt_and_are_found(
    settings: Any, personas: Personas, people_under_old_key: list[Resident]
) -> None:
    settings.GRIDGOV_DATA_KEY = f"{NEW},{OLD}"
    lin = Resident.objects.get(name="林大娘")
    assert sealing.open_document(lin) == f.LIN_DANIANG_ID and sealing.open_phone(lin) == "19900009901"
    assert found(personas.worker, f.LIN_DANIANG_ID) == ["林大娘"]
    assert found(personas.worker, "199 0000 9902") == ["唐女士"]
    # A new registration is written under the new key, and the duplicate check still sees old ones.
    home = Resident.objects.get(name="唐女士").household
    assert home is not None
    newer = f.register(personas.worker, home, "王新", f.resident_id("20010101", "995"), phone="19900009903")
    assert under(NEW, newer.document_cipher) and under(NEW, newer.phone_cipher)
    with pytest.raises(Invalid) as duplicate:
        f.register(personas.worker, home, "林大妈", f.LIN_DANIANG_ID)
    assert list(duplicate.value.fields) == ["document_number"]


def test_rotation_rewrites_in_batches_and_search_finds_everyone_meanwhile(
    settings: Any, personas: Personas, people_under_old_key: list[Resident]
) -> None:
    settings.GRIDGOV_DATA_KEY = f"{NEW},{OLD}"
    with pytest.raises(CommandError, match="still under an old key") as failed:
        rotate("--check")
    assert failed.value.returncode == 1
    # Half-way: one document rewritten, two not; all three still found by their numbers.
    assert privacy.rotate_batch(privacy.ROTATIONS[0], batch=1) == 1
    rewritten = Resident.objects.filter(document_cipher__startswith="v1:new2026:")
    assert rewritten.count() == 1
    for number, name in ((f.LIN_DANIANG_ID, "林大娘"), (f.TANG_ID, "唐女士"), (f.NEWCOMER_ID, "张新来")):
        assert found(personas.worker, number) == [name]

    # The last id, not the count: ids need not run from 1 without gaps (sequences survive rollbacks).
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    output = rotate(batch=1)
    assert "re-encrypted under key 'new2026'" in output and "people.resident.phone_cipher" in output
    for r in Resident.objects.all():
        assert under(NEW, r.document_cipher) and under(NEW, r.phone_cipher or "v1:new2026:")
        key = sealing.document_key(r.document_type, sealing.open_document(r))
        assert r.document_index == crypto.blind_index(key, sealing.DOCUMENT)
    registration = ResidenceRegistration.objects.get()
    assert under(NEW, registration.landlord_phone_cipher)
    assert registration.landlord_phone_index == crypto.blind_index(LANDLORD, sealing.PHONE_INDEX)
    # Every rewrite is on the trail, ciphertexts as digests only; the run itself too.
    trail = AuditEntry.objects.filter(pk__gt=before)
    # Two documents were left under the old key, and two phones (the newcomer gave none).
    assert trail.filter(action="update", object_type="people.resident").count() == 2 + 2
    assert trail.filter(action="command", object_repr="rotate-data-key").count() == 1
    assert not [e for e in trail if f.LIN_DANIANG_ID in e.changes or "v1:old2025:" in e.changes]

    assert "every value is under the current key" in rotate("--check")
    assert "0 values re-encrypted" in rotate()  # idempotent


def test_after_the_old_key_is_removed_everything_decrypts_and_is_found(
    settings: Any, personas: Personas, people_under_old_key: list[Resident]
) -> None:
    settings.GRIDGOV_DATA_KEY = f"{NEW},{OLD}"
    rotate()
    settings.GRIDGOV_DATA_KEY = NEW
    assert crypto.keyring().ids == ("new2026",)
    for r in Resident.objects.all():
        assert sealing.open_document(r) in (f.LIN_DANIANG_ID, f.TANG_ID, f.NEWCOMER_ID)
    assert found(personas.worker, f.TANG_ID) == ["唐女士"]
    assert found(personas.worker, "19900009901") == ["林大娘"]
    assert found(personas.worker, "zxl") == ["张新来"]
    phone = crypto.decrypt(ResidenceRegistration.objects.get().landlord_phone_cipher, sealing.LANDLORD_PHONE)
    assert phone == LANDLORD
    assert "every value is under the current key" in rotate("--check")


def test_a_key_dropped_too_early_stops_the_rotation_and_names_it(
    settings: Any, people_under_old_key: list[Resident]
) -> None:
    settings.GRIDGOV_DATA_KEY = NEW  # the old key removed before rotating: its values are unreadable
    with pytest.raises(CommandError, match=r"'old2025'.*put that key back"):
        rotate()
    assert all(under(OLD, r.document_cipher) for r in Resident.objects.all())


def test_generate_prints_a_key_the_ring_accepts_and_help_gives_the_procedure() -> None:
    entry = rotate("--generate", "k2027").strip()
    assert crypto.KeyRing(entry).ids == ("k2027",) and entry != rotate("--generate", "k2027").strip()
    with pytest.raises(CommandError):
        rotate("--generate", "bad id!")
    from gridgov.people.management.commands.rotate_data_key import Command

    text = Command().create_parser("gridgov", "rotate-data-key").format_help()
    for step in ("PREPEND", "Restart every process", "gridgov rotate-data-key --check", "Remove the old key"):
        assert step in text
