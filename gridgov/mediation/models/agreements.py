"""Mediation agreements (调解协议书, People's Mediation Law art. 29), follow-up visits, visits to centres."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core.models import AuditedModel
from gridgov.mediation.models.disputes import Dispute, Party
from gridgov.mediation.models.ladder import MediationCentre


class Agreement(AuditedModel):
    class Performance(models.TextChoices):
        PENDING = "pending", _("being performed")
        PERFORMED = "performed", _("performed")
        BROKEN = "broken", _("broken")

    dispute = models.OneToOneField(Dispute, on_delete=models.PROTECT, related_name="agreement")
    facts = models.TextField(_("main facts"), max_length=4000)
    matters = models.TextField(_("matters in dispute and responsibilities"), max_length=4000)
    terms = models.TextField(_("terms agreed"), max_length=4000)
    performance_manner = models.CharField(_("manner of performance"), max_length=300)
    performance_place = models.CharField(_("place of performance"), max_length=200)
    performance_deadline = models.DateField(_("deadline of performance"))
    signed_on = models.DateField(_("signed on"))
    parties_signed = models.BooleanField(_("signed, sealed or fingerprinted by the parties"), default=False)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("mediator")
    )
    committee_sealed = models.BooleanField(_("sealed by the mediation committee"), default=False)
    performance = models.CharField(
        _("performance"), max_length=20, choices=Performance.choices, default=Performance.PENDING
    )

    grid_path = "dispute__grid"

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")

    def __str__(self) -> str:
        return f"{self.dispute} ({self.signed_on})"

    @property
    def effective(self) -> bool:
        return self.parties_signed and self.committee_sealed


class FollowUp(AuditedModel):
    """回访: a visit after an agreement to see that it is kept."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="follow_ups")
    due = models.DateField(pgettext_lazy("follow-up visit", "due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)

    grid_path = "agreement__dispute__grid"

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["due"]
        indexes = [
            # The figures read only the follow-ups not done and due after today (few: recent ones).
            models.Index(
                fields=["due"], condition=Q(done_on__isnull=True), name="mediation_followup_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.due}"


class Visit(AuditedModel):
    """A party coming to a centre about the dispute: "最多跑一次" counts these."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="visits")
    centre = models.ForeignKey(MediationCentre, on_delete=models.PROTECT, related_name="visits")
    on = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)

    grid_path = "party__dispute__grid"

    class Meta:
        verbose_name = _("visit to a centre")
        verbose_name_plural = _("visits to centres")
        ordering = ["on"]

    def __str__(self) -> str:
        return f"{self.party} @ {self.centre} {self.on}"
