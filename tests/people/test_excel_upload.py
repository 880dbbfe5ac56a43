"""The upload page: the file is imported by the background task (run at once here, through django-tasks'
ImmediateBackend), the page polls its progress, then shows the counts or offers the error sheet."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

from gridgov.core.models import AuditEntry
from gridgov.people.excel import jobs
from gridgov.people.models import Building, ImportJob, Resident
from tests.factories import Personas
from tests.people import factories as f
from tests.people.test_excel_books import book, resident
from tests.people.test_excel_import import state


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    # The assertions read the English msgids; the pages and the worker follow LANGUAGE_CODE.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def nine(personas: Personas) -> Building:
    return f.building(personas.worker)


# --- the upload page --------------------------------------------------------------------------
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate(settings: Any, tmp_path: Path) -> None:
    settings.TASKS = IMMEDIATE
    settings.VAR_DIR = tmp_path / "var"


def upload(client: Any, content: bytes, captured: Any, name: str = "居民.xlsx") -> Any:
    with captured(execute=True):
        return client.post("/registry/excel/upload/", {"file": SimpleUploadedFile(name, content)})


def test_upload_runs_in_the_background_and_the_page_shows_progress_then_counts(
    personas: Personas,
    nine: Building,
    client_for: Any,
    immediate: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(personas.worker)
    page = client.get("/registry/excel/")
    assert page.status_code == 200 and "/registry/excel/template/" in page.content.decode()
    template = client.get("/registry/excel/template/")
    assert template["Content-Disposition"].endswith("filename*=UTF-8''" + quote("人口信息导入模板.xlsx"))
    response = upload(client, book({"居民": [resident()]}), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"/registry/excel/jobs/{job.pk}/"
    assert job.status == "done" and job.result["counts"]["residents_created"] == 1
    assert Resident.objects.get().name == "林大娘"
    assert AuditEntry.objects.get(action="import").source == "worker"
    fragment = client.get(f"/registry/excel/jobs/{job.pk}/progress/").content.decode()
    assert 'data-status="done"' in fragment and "hx-get" not in fragment and "100%" in fragment
    assert not (Path(settings_var()) / "imports" / f"{job.pk}.upload").exists()  # the upload is gone


def settings_var() -> str:
    return str(django_settings.VAR_DIR)


def test_progress_polls_while_the_job_runs(personas: Personas, client_for: Any, immediate: None) -> None:
    job = jobs.create(personas.worker, "居民.xlsx", b"PK", "zh-hans")
    jobs.write_progress(job.pk, "居民", 500, 2000)
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    fragment = client_for(personas.worker).get(f"/registry/excel/jobs/{job.pk}/progress/").content.decode()
    assert "hx-get" in fragment and 'aria-valuenow="25"' in fragment and "width: 25%" in fragment
    assert client_for(personas.other_worker).get(f"/registry/excel/jobs/{job.pk}/").status_code == 404
    stored = (Path(settings_var()) / "imports" / f"{job.pk}.upload").read_bytes()
    assert stored.startswith(b"v1:")  # encrypted at rest


def test_rejected_upload_offers_the_error_sheet(
    personas: Personas,
    nine: Building,
    client_for: Any,
    immediate: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(personas.worker)
    before = state()
    upload(client, book({"居民": [resident(楼栋="99幢")]}), django_capture_on_commit_callbacks)
    assert state() == before
    job = ImportJob.objects.get()
    assert job.status == "rejected" and job.result["problems"] == 1
    page = client.get(f"/registry/excel/jobs/{job.pk}/").content.decode()
    assert (
        "No building of this name or address" in page and f"/registry/excel/jobs/{job.pk}/errors.xlsx" in page
    )
    sheet = client.get(f"/registry/excel/jobs/{job.pk}/errors.xlsx")
    assert sheet.status_code == 200 and "filename*=UTF-8''" in sheet["Content-Disposition"]
    assert AuditEntry.objects.filter(action="export", object_repr="居民.xlsx").count() == 1
    wb = load_workbook(BytesIO(sheet.content))
    assert wb["居民"]["A2"].value == "林大娘"
    assert (
        client_for(personas.other_worker).get(f"/registry/excel/jobs/{job.pk}/errors.xlsx").status_code == 404
    )


def test_a_png_upload_is_rejected_with_its_message(
    personas: Personas, client_for: Any, immediate: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(personas.worker)
    upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, django_capture_on_commit_callbacks, "photo.xlsx")
    job = ImportJob.objects.get()
    assert job.status == "rejected" and "not an Excel workbook" in job.result["lines"][0]


def test_readers_may_not_upload(personas: Personas, client_for: Any, immediate: None) -> None:
    response = client_for(personas.officer).post(
        "/registry/excel/upload/", {"file": SimpleUploadedFile("a.xlsx", b"PK")}
    )
    assert response.status_code == 403 and not ImportJob.objects.exists()
