"""Excel uploads waiting for, running in, or finished by the background worker."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One uploaded workbook and what became of it.

    Bookkeeping, not registry data, so not an AuditedModel: its status changes many times a run and
    would only bury the trail. What the import writes is audited record by record, and a successful
    import adds an "import" event naming the file and the person.
    The upload and the error sheet hold document numbers in clear, so they are kept encrypted on disk
    (gridgov.people.excel.jobs), never in this table.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("imported")
        REJECTED = "rejected", _("rejected: problems in the file")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    file_name = models.CharField(_("file"), max_length=200)
    language = models.CharField(max_length=20, default="", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Counts when imported; the first problems (messages never quote a number) when rejected.
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("Excel import")
        verbose_name_plural = _("Excel imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)
