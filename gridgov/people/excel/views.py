"""The Excel page: templates, upload with background import and progress, error sheets, exports."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridgov.core import audit
from gridgov.core.errors import Invalid
from gridgov.geo.models import Grid
from gridgov.people.api.figures import Level, scoped_grids
from gridgov.people.excel import exporter, jobs, report
from gridgov.people.excel.blank import FILE_NAMES, template_bytes
from gridgov.people.excel.tasks import import_upload
from gridgov.people.models import ImportJob, Tag
from gridgov.people.views.figures import as_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVELS: dict[str, Level] = {"sub_district": "sub_district", "village": "village", "grid": "grid"}


def attachment(name: str) -> str:
    """Content-Disposition for a Chinese file name: RFC 6266 filename* plus an ASCII fallback."""
    fallback = name.encode("ascii", "ignore").decode().strip(" -_.") or "export"
    if not fallback.endswith(".xlsx"):
        fallback = "gridgov-export.xlsx"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def xlsx_response(content: bytes | Path, name: str) -> HttpResponseBase:
    response: HttpResponseBase
    if isinstance(content, Path):
        response = FileResponse(content.open("rb"), content_type=XLSX)
    else:
        response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = attachment(name)
    response["Cache-Control"] = "no-store"  # personal data: never kept by a proxy or the browser cache
    return response


def _may_import(user: Any) -> bool:
    return bool(user.has_perm("people.add_resident") or user.has_perm("people.add_building"))


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("people.view_resident"):
        raise PermissionDenied(_("Your role may not do this."))
    context = {
        "may_import": _may_import(request.user),
        "may_unmask": request.user.has_perm("people.unmask_resident"),
        "jobs": ImportJob.objects.filter(owner_id=request.user.pk)[:10],
        "grids": Grid.objects.restrict(request.user, "view")
        .order_by("code")
        .values_list("code", "name")[:500],
        "tags": Tag.objects.filter(active=True).values_list("code", "name"),
        "max_mb": jobs.MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "people/excel/home.html", context)


@login_required
@require_GET
def template(request: HttpRequest, kind: str = "all") -> HttpResponseBase:
    if kind not in FILE_NAMES:
        raise Http404
    return xlsx_response(template_bytes(kind), f"{FILE_NAMES[kind]}.xlsx")


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponseBase:
    if not _may_import(request.user):
        raise PermissionDenied(_("Your role may not import into the registry."))
    file = request.FILES.get("file")
    error = ""
    if file is None or not file.name:
        error = _("Choose a workbook (.xlsx) to upload.")
    elif file.size is not None and file.size > jobs.MAX_UPLOAD_BYTES:
        error = _("The file is larger than %(mb)d MB: split it into several files.") % {
            "mb": jobs.MAX_UPLOAD_BYTES // (1024 * 1024)
        }
    if error:
        return render(request, "people/excel/problem.html", {"error": error}, status=400)
    assert file is not None
    job = jobs.create(request.user, Path(file.name or "upload.xlsx").name, file.read(), get_language() or "")
    # The worker must find the job's row: enqueue once it is committed.
    transaction.on_commit(lambda: import_upload.enqueue(str(job.pk)))
    return redirect("excel:job", job_id=job.pk)


def _job(request: HttpRequest, job_id: str) -> ImportJob:
    return get_object_or_404(ImportJob, pk=job_id, owner_id=request.user.pk)


@login_required
@require_GET
def job(request: HttpRequest, job_id: str) -> HttpResponse:
    return render(request, "people/excel/job.html", _job_context(_job(request, job_id)))


@login_required
@require_GET
def progress(request: HttpRequest, job_id: str) -> HttpResponse:
    """The progress fragment the job page polls; once the job is finished it stops asking."""
    return render(request, "people/excel/_progress.html", _job_context(_job(request, job_id)))


def _job_context(job: ImportJob) -> dict[str, Any]:
    state = jobs.read_progress(job.pk)
    total, done = int(state.get("total") or 0), int(state.get("done") or 0)
    percent = 100 if job.finished else (min(99, int(done * 100 / total)) if total else 0)
    counts = [(label, job.result.get("counts", {}).get(key, 0)) for key, label in report.COUNT_LABELS.items()]
    return {
        "job": job,
        "phase": state.get("phase", ""),
        "done": done,
        "total": total,
        "percent": percent,
        "counts": counts,
    }


@login_required
@require_GET
def errors(request: HttpRequest, job_id: str) -> HttpResponseBase:
    found = _job(request, job_id)
    content = jobs.load(found.pk, "errors")
    if content is None:
        raise Http404
    # The rows as typed, numbers in clear: a download of personal data like any export.
    audit.record_event("export", found.file_name, {"kind": "import_errors", "job": str(found.pk)})
    return xlsx_response(content, f"{Path(found.file_name).stem}-错误.xlsx")


def _filters(request: HttpRequest) -> dict[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    return {key: source.get(key, "").strip() for key in exporter.FILTERS}


@login_required
@require_http_methods(["GET", "POST"])
def export_residents(request: HttpRequest) -> HttpResponseBase:
    """GET: a masked list. POST with `reason`: unmasked, for those who may unmask; both audited."""
    if not request.user.has_perm("people.view_resident"):
        raise PermissionDenied(_("Your role may not do this."))
    unmasked = request.method == "POST"
    reason = request.POST.get("reason", "") if unmasked else ""
    target = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    try:
        with target.open("wb") as handle:
            exporter.export_residents(
                request.user, _filters(request), handle, unmasked=unmasked, reason=reason
            )
    except Invalid as error:
        target.unlink(missing_ok=True)
        return render(request, "people/excel/problem.html", {"error": error.message}, status=400)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    name = f"居民{'（未脱敏）' if unmasked else ''}-{timezone.localdate():%Y%m%d}.xlsx"
    response = xlsx_response(target, name)
    target.unlink()  # the open handle keeps the data readable until the response is sent
    return response


@login_required
@require_GET
def export_figures(request: HttpRequest) -> HttpResponseBase:
    level, code = request.GET.get("level", ""), request.GET.get("code", "")
    if level in LEVELS and code:
        grids = scoped_grids(request.user, LEVELS[level], code)  # 404 outside the user's scope
    else:
        grids = Grid.objects.restrict(request.user, "view")
    on = as_of(request.GET.get("on", ""))
    with tempfile.TemporaryFile() as handle:
        exporter.export_figures(request.user, grids, handle, on)
        handle.seek(0)
        content = handle.read()
    return xlsx_response(content, f"底数清-{on:%Y%m%d}.xlsx")
