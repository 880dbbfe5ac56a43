"""PIPL: no plaintext document number or phone at rest, in a dump, in a log line or in an error report;
unmasking is audited with its reason; residents long gone are anonymised.

The registry here is the demo's own generator run on the small map (林大娘 included, registered by her
grid worker through the services), so every number the tests look for is one the demo would write.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory, override_settings
from django.utils import timezone
from django.utils.log import AdminEmailHandler
from django.views.debug import get_exception_reporter_class

from gridgov.core import context, crypto
from gridgov.core.masking import MaskingLogFilter, mask_id_number, mask_phone
from gridgov.core.models import AuditEntry
from gridgov.demo.registry import LIN, load_demo_registry
from gridgov.people.models import ResidenceRegistration, Resident
from gridgov.people.services import privacy, sealing
from gridgov.people.services.privacy import ANONYMOUS
from gridgov.people.services.residents import move_out, residents_on
from tests.factories import Personas
from tests.people import factories as f

REPORTING = {
    "DEFAULT_EXCEPTION_REPORTER": "gridgov.core.reporting.MaskingExceptionReporter",
    "DEFAULT_EXCEPTION_REPORTER_FILTER": "gridgov.core.reporting.MaskingExceptionReporterFilter",
}


def plaintexts() -> list[str]:
    """Every document number and phone in the registry, decrypted: what must never appear in clear."""
    found = set()
    for r in Resident.objects.exclude(document_cipher=""):
        found.add(sealing.open_document(r))
        found.add(sealing.open_phone(r))
    for g in ResidenceRegistration.objects.exclude(landlord_phone_cipher=""):
        found.add(crypto.decrypt(g.landlord_phone_cipher, sealing.LANDLORD_PHONE))
    return sorted(n for n in found if n)


def leaked(text: str | bytes, numbers: list[str]) -> list[str]:
    haystack = text if isinstance(text, str) else text.decode("latin-1")
    return [n for n in numbers if n in haystack]


def dump_everything() -> str:
    """`gridgov dumpdata` of the whole database."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


@pytest.fixture
def registry(personas: Personas) -> list[str]:
    with context.acting_as_system("cli", "test"):
        load_demo_registry()
    numbers = plaintexts()
    assert LIN.document in numbers and len(numbers) > 100
    return numbers


def database_bytes() -> bytes:
    """What lies at rest: the SQLite file and its WAL, or PostgreSQL's own dump of the database."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return subprocess.run(
            [
                "pg_dump",
                "-h",
                db["HOST"] or "127.0.0.1",
                "-p",
                str(db["PORT"] or 5432),
                "-U",
                db["USER"],
                db["NAME"],
            ],
            check=True,
            capture_output=True,
        ).stdout
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(connection.settings_dict["NAME"])
    files = [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    return b"".join(p.read_bytes() for p in files)


@pytest.mark.django_db(transaction=True)
def test_no_plaintext_in_the_database_at_rest(personas: Personas) -> None:
    with context.acting_as_system("cli", "test"):
        load_demo_registry()  # committed: transaction=True
    numbers = plaintexts()
    content = database_bytes()
    assert "林大娘".encode() in content  # the right file, with the data in it
    assert mask_id_number(LIN.document).encode() in content
    assert leaked(content, numbers) == []


def test_no_plaintext_in_a_dump_even_after_an_unmasked_view(registry: list[str], personas: Personas) -> None:
    lin = Resident.objects.get(name="林大娘")
    reason = "核实身份：上门走访核对证件"
    with context.acting(context.ActorContext(actor_id=personas.worker.pk, actor_name="chenhuiling")):
        shown = privacy.unmask(personas.worker, lin.pk, ["document_number", "phone"], reason)
    assert shown == {"document_number": LIN.document, "phone": LIN.phone}
    view = AuditEntry.objects.filter(action="view").latest("id")
    assert view.reason == reason and view.object_id == str(lin.pk)
    assert json.loads(view.changes) == {"fields": ["document_number", "phone"]}
    assert leaked(view.changes + view.object_repr + view.reason, registry) == []

    dump = dump_everything()
    assert mask_id_number(LIN.document) in dump and mask_phone(LIN.phone) in dump
    assert leaked(dump, registry) == []


def test_the_whole_database_can_be_dumped(personas: Personas) -> None:
    call_command("dumpdata", stdout=io.StringIO())


def test_log_lines_while_registering_searching_and_failing_carry_no_numbers(
    registry: list[str], personas: Personas, client_for: Any, caplog: Any
) -> None:
    home = f.household(personas.worker, f.building(personas.worker, name="12幢"), room="1101")
    newcomer, phone = f.resident_id("19900505", "993"), "19900009977"
    client = client_for(personas.worker)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True  # every SQL statement and its parameters into the log as well
    try:
        body = {"household_id": home.pk, "name": "周新来", "document_number": newcomer, "phone": phone}
        body["moved_in"] = "2024-03-01"
        assert client.post("/api/v1/residents", body, content_type="application/json").status_code == 201
        for q in (newcomer, phone, LIN.document, LIN.phone, "ldn"):
            assert client.get("/api/v1/residents", {"q": q}).status_code == 200
        again = client.post("/api/v1/residents", body, content_type="application/json")
        assert again.status_code == 400 and newcomer not in again.content.decode()
        bad = client.post(
            "/api/v1/residents", {**body, "document_number": newcomer[:-1]}, content_type="application/json"
        )
        assert bad.status_code == 400
        assert client.get(f"/api/v1/residents/{10**9}").status_code == 404
    finally:
        connection.force_debug_cursor = False
    lines = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    assert any("people_resident" in line for line in lines)  # the SQL was captured
    assert leaked("\n".join(lines), [*registry, newcomer, phone]) == []


def test_the_masking_filter_masks_numbers_a_log_line_carries() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingLogFilter())
    logger = logging.getLogger("gridgov.test.masking")
    logger.addHandler(handler)
    try:
        logger.warning("call back %s about %s", "199 0000 9901", LIN.document)
        try:
            raise ValueError(f"duplicate document {LIN.document}")
        except ValueError:
            logger.exception("import failed for row 7")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert leaked(text, [LIN.document, LIN.phone, "199 0000 9901"]) == []
    assert mask_id_number(LIN.document) in text and "199****9901" in text


def test_every_configured_log_handler_masks() -> None:
    config: dict[str, Any] = django_settings.LOGGING
    masking = {
        name
        for name, spec in config.get("filters", {}).items()
        if spec.get("()") in ("gridgov.core.masking.MaskingLogFilter", MaskingLogFilter)
    }
    assert masking
    for name, handler in config["handlers"].items():
        assert masking & set(handler.get("filters", [])), name


def _report(numbers: list[str], *, email: bool = False, mail: Any = None) -> str:
    number, phone = numbers
    request = RequestFactory().post(
        f"/people/register?q={phone}", {"document_number": number, "phone": phone, "name": "周新来"}
    )

    def register(document_number: str) -> None:
        row = {"document_number": document_number, "phone": phone}
        raise ValueError(f"cannot register {row['document_number']}")

    try:
        register(number)
    except ValueError:
        info = sys.exc_info()
    if not email:
        reporter_class: Any = get_exception_reporter_class(request)
        reporter = reporter_class(request, *info)
        return str(reporter.get_traceback_html()) + str(reporter.get_traceback_text())
    handler = AdminEmailHandler(include_html=True)
    handler.addFilter(MaskingLogFilter())
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        (request.get_full_path(),),
        info,
    )
    record.request = request
    handler.handle(record)
    message = mail[-1]
    return "\n".join([message.subject, message.body, *(str(a[0]) for a in message.alternatives)])


def test_django_alone_would_put_the_numbers_in_its_error_report(settings: Any) -> None:
    # Why the reporter settings are needed: Django's own report repeats POST, URL and locals in clear.
    settings.DEFAULT_EXCEPTION_REPORTER = "django.views.debug.ExceptionReporter"
    settings.DEFAULT_EXCEPTION_REPORTER_FILTER = "django.views.debug.SafeExceptionReporterFilter"
    numbers = [LIN.document, LIN.phone]
    assert leaked(_report(numbers), numbers) == numbers


@override_settings(**REPORTING)
def test_the_masking_reporter_shows_the_error_but_not_the_numbers() -> None:
    numbers = [LIN.document, LIN.phone]
    report = _report(numbers)
    assert "cannot register" in report and "document_number" in report
    assert mask_id_number(LIN.document) in report
    assert leaked(report, numbers) == []


@override_settings(**REPORTING, ADMINS=[("ops", "ops@example.invalid")])
def test_the_report_mailed_to_admins_is_masked(mailoutbox: Any) -> None:
    numbers = [LIN.document, LIN.phone]
    report = _report(numbers, email=True, mail=mailoutbox)
    assert "Internal Server Error" in report and mask_phone(LIN.phone) in report
    assert leaked(report, numbers) == []


def test_settings_use_the_masking_reporter() -> None:
    for name, value in REPORTING.items():
        assert getattr(django_settings, name) == value


# -- anonymising those who moved away ---------------------------------------------------------
@pytest.fixture
def departed(personas: Personas) -> dict[str, Resident]:
    worker, today = personas.worker, timezone.localdate()
    home = f.household(personas.worker, f.building(worker))
    people = {
        "long_gone": f.register(
            worker, home, "郑远行", f.resident_id("19700101", "991"), phone="19900001001"
        ),
        "recent": f.register(worker, home, "郑刚走", f.resident_id("19720202", "993"), phone="19900001002"),
        "present": f.register(worker, home, "郑还在", f.resident_id("19740303", "995"), phone="19900001003"),
    }
    tags = f.tags()
    with context.acting(context.ActorContext(actor_id=worker.pk, actor_name=worker.username)):
        from gridgov.people.services.residents import tag_resident

        for person in people.values():
            tag_resident(worker, person.pk, tags["elderly_alone"], start=dt.date(2020, 1, 1))
        days = django_settings.GRIDGOV_RESIDENT_RETENTION_DAYS
        move_out(worker, people["long_gone"].pk, today - dt.timedelta(days=days + 30))
        move_out(worker, people["recent"].pk, today - dt.timedelta(days=10))
    return people


def _anonymise(*args: str) -> str:
    out = io.StringIO()
    call_command("anonymise_departed", *args, stdout=out)
    return out.getvalue()


def test_anonymise_departed_strips_only_those_gone_past_the_retention_period(
    departed: dict[str, Resident],
) -> None:
    assert _anonymise().startswith("1 residents anonymised")
    gone = Resident.objects.get(pk=departed["long_gone"].pk)
    assert (gone.name, gone.name_pinyin, gone.document_cipher, gone.document_index, gone.document_masked) == (
        ANONYMOUS,
        "",
        "",
        "",
        "",
    )
    assert (gone.phone_cipher, gone.phone_index, gone.phone_masked, gone.anonymised_at is not None) == (
        "",
        "",
        "",
        True,
    )
    assert not gone.tag_links.exists() and gone.birth_date == dt.date(1970, 1, 1)
    for key in ("recent", "present"):
        kept = Resident.objects.get(pk=departed[key].pk)
        assert kept.name == departed[key].name and kept.tag_links.exists() and kept.anonymised_at is None
    assert AuditEntry.objects.filter(action="command", object_repr="anonymise-departed").exists()
    assert _anonymise().startswith("0 residents")  # idempotent


def test_anonymise_departed_with_a_later_date_never_touches_the_present(
    departed: dict[str, Resident],
) -> None:
    later = (timezone.localdate() + dt.timedelta(days=20 * 365)).isoformat()
    assert _anonymise("--today", later).startswith("2 residents anonymised")
    assert Resident.objects.get(pk=departed["present"].pk).name == "郑还在"


def test_the_anonymised_still_lived_where_they_lived(departed: dict[str, Resident]) -> None:
    _anonymise()
    home = departed["long_gone"].residences.get().household
    assert departed["long_gone"].pk in [r.pk for r in residents_on(home, dt.date(2021, 6, 1))]
