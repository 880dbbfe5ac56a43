"""Uploads imported in the background: the job row, its files, and its live progress.

An uploaded workbook and its error sheet hold document numbers in clear, so on disk they are kept
encrypted with the data key (gridgov.core.crypto) and removed once no longer needed. Progress is a
small file rather than a column: the import's single transaction holds SQLite's write lock (and hides
its writes from PostgreSQL readers) until it ends, so the page could never see a progress row move.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.core import crypto
from gridgov.core.masking import mask_text
from gridgov.people.excel import report
from gridgov.people.excel.importer import acting_for, import_workbook
from gridgov.people.models import ImportJob

log = logging.getLogger(__name__)
KEEP = dt.timedelta(days=7)  # error sheets stay downloadable this long
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SHOWN_PROBLEMS = 30
_CONTEXTS = {"upload": "people.import.upload", "errors": "people.import.errors"}


def folder() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _path(job_id: Any, kind: str) -> Path:
    return folder() / f"{job_id}.{kind}"


def _write_atomically(path: Path, text: str) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
    os.replace(temporary, path)


def store(job_id: Any, kind: str, content: bytes) -> None:
    sealed = crypto.encrypt(base64.b64encode(content).decode("ascii"), _CONTEXTS[kind])
    _write_atomically(_path(job_id, kind), sealed)


def load(job_id: Any, kind: str) -> bytes | None:
    path = _path(job_id, kind)
    if not path.exists():
        return None
    return base64.b64decode(crypto.decrypt(path.read_text(encoding="ascii"), _CONTEXTS[kind]))


def write_progress(job_id: Any, phase: str, done: int, total: int) -> None:
    _write_atomically(_path(job_id, "progress"), json.dumps({"phase": phase, "done": done, "total": total}))


def read_progress(job_id: Any) -> dict[str, Any]:
    try:
        value: dict[str, Any] = json.loads(_path(job_id, "progress").read_text(encoding="ascii"))
    except (OSError, ValueError):
        return {"phase": "", "done": 0, "total": 0}
    return value


def purge(now: dt.datetime | None = None) -> int:
    """Forget jobs older than KEEP, with their files."""
    cutoff = (now or timezone.now()) - KEEP
    old = list(ImportJob.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True))
    for job_id in old:
        for kind in ("upload", "errors", "progress"):
            _path(job_id, kind).unlink(missing_ok=True)
    ImportJob.objects.filter(pk__in=old).delete()
    return len(old)


def create(owner: Any, file_name: str, content: bytes, language: str) -> ImportJob:
    purge()
    # A file may be named after a person ("331081….xlsx"): its name is stored masked.
    job = ImportJob.objects.create(owner=owner, file_name=mask_text(file_name)[:200], language=language)
    store(job.pk, "upload", content)
    write_progress(job.pk, "", 0, 0)
    return job


class _Throttled:
    """Progress callback for the importer: writes the file at most a few times a second."""

    def __init__(self, job_id: Any) -> None:
        self.job_id, self.last = job_id, 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= 0.3 or done >= total:
            self.last = now
            write_progress(self.job_id, phase, done, total)


def run(job_id: str) -> dict[str, Any]:
    """Import one uploaded workbook as its owner (the background task calls this)."""
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    if job.finished:
        return dict(job.result)
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["status"])
    content = load(job.pk, "upload")
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            result = _import(job, content)
        except Exception:
            log.exception("import job %s failed", job.pk)
            job.status, job.result = (
                ImportJob.Status.FAILED,
                {"error": _("The import failed; it has been logged.")},
            )
            result = dict(job.result)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "finished_at"])
    _path(job.pk, "upload").unlink(missing_ok=True)
    return result


def _import(job: ImportJob, content: bytes | None) -> dict[str, Any]:
    if content is None or not job.owner.is_active:
        job.status, job.result = (
            ImportJob.Status.FAILED,
            {"error": _("The uploaded file is no longer there.")},
        )
        return dict(job.result)
    with acting_for(job.owner, "worker"):
        outcome = import_workbook(BytesIO(content), job.owner, job.file_name, _Throttled(job.pk))
    plan = outcome.plan
    if outcome.imported:
        job.status, job.result = ImportJob.Status.DONE, {"rows": plan.rows, "counts": outcome.counts}
    else:
        store(job.pk, "errors", report.workbook_bytes(plan))
        job.status = ImportJob.Status.REJECTED
        job.result = {
            "rows": plan.rows,
            "problems": len(plan.problems),
            # Messages never quote a cell, but a header row may hold anything: masked before it is stored.
            "lines": [mask_text(line) for line in report.lines(plan, SHOWN_PROBLEMS)],
        }
    write_progress(job.pk, "done", 1, 1)
    return dict(job.result)
