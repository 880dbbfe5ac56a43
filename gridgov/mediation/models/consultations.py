"""Village consultations (恳谈): a villagers' proposal, meetings, the decision, a funding plan, progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import AuditedModel


class Consultation(AuditedModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        DISCUSSING = "discussing", _("being discussed")
        DECIDED = "decided", _("decided")
        REJECTED = "rejected", _("not adopted")
        IN_PROGRESS = "in_progress", _("being carried out")
        COMPLETED = "completed", _("completed")

    village = models.ForeignKey(
        "geo.Village", on_delete=models.PROTECT, related_name="consultations", verbose_name=_("village")
    )
    title = models.CharField(_("title"), max_length=100)
    proposal = models.TextField(_("proposal"), max_length=4000)
    proposed_by = models.CharField(_("proposed by"), max_length=200)
    proposed_on = models.DateField(_("proposed on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    decision = models.TextField(_("decision"), max_length=4000, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    total = models.DecimalField(
        _("total cost (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    grid_path_to_self = "village__consultations"

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-proposed_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Meeting(AuditedModel):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    attendance = models.PositiveIntegerField(_("attendance"))
    attendees = models.CharField(_("who attended"), max_length=500, blank=True)
    minutes = models.TextField(_("minutes"), max_length=8000)

    grid_path_to_self = "village__consultations__meetings"

    class Meta:
        verbose_name = _("consultation meeting")
        verbose_name_plural = _("consultation meetings")
        ordering = ["consultation", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.consultation} {self.held_on}"


class FundingShare(AuditedModel):
    class Source(models.TextChoices):
        RESIDENTS = "residents", _("residents' own contributions (群众自筹)")
        VILLAGE = "village", _("the village (村级出点)")
        ENTERPRISE = "enterprise", _("enterprises (企业帮扶)")
        SUBSIDY = "subsidy", _("sub-district subsidy (街道补助)")
        OTHER = "other", _("other")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="shares")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    contributor = models.CharField(_("contributor"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)

    grid_path_to_self = "village__consultations__shares"

    class Meta:
        verbose_name = _("funding share")
        verbose_name_plural = _("funding plan")
        ordering = ["consultation", "pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount}"


class ProgressReport(AuditedModel):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="reports")
    on = models.DateField(_("date"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.CharField(_("note"), max_length=500)

    grid_path_to_self = "village__consultations__reports"

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["consultation", "on"]

    def __str__(self) -> str:
        return f"{self.consultation} {self.percent}%"
