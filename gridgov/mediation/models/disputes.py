"""Disputes (矛盾纠纷): a kind of case, with parties, a risk level, clues, sessions and a tier."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core.models import AuditedModel
from gridgov.mediation.models.ladder import MediationCentre, Tier


class RiskLevel(AuditedModel):
    """Configurable: the demo uses red, orange, yellow and blue. Rank 1 is the most serious."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("1 is the most serious."))
    color = models.CharField(_("colour"), max_length=7, default="#999999")
    rule = models.CharField(_("response rule"), max_length=200)
    respond_hours = models.PositiveIntegerField(_("respond within (hours)"), default=24)
    police_at_once = models.BooleanField(_("refer to the police zone at once"), default=False)

    unscoped = True

    class Meta:
        verbose_name = _("risk level")
        verbose_name_plural = _("risk levels")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class DisputeKind(models.TextChoices):
    """The Ministry of Justice's statistical categories of disputes."""

    MARRIAGE_FAMILY = "marriage_family", _("marriage and family")
    NEIGHBOURS = "neighbours", _("neighbours")
    HOUSING_HOMESTEAD = "housing_homestead", _("housing and homestead")
    CONTRACT = "contract", _("contract")
    BUSINESS = "business", pgettext_lazy("dispute category", "business")
    DAMAGES = "damages", _("damages")
    LAND_FOREST = "land_forest", _("land and forest")
    REQUISITION = "requisition", _("land requisition and demolition")
    ENVIRONMENT = "environment", _("environment")
    LABOUR = "labour", _("labour")
    CONSUMER = "consumer", _("consumer")
    MEDICAL = "medical", _("medical")
    TRAFFIC = "traffic", _("traffic accident")
    PROPERTY_MANAGEMENT = "property_management", _("property management")
    OTHER = "other", _("other")


class Dispute(AuditedModel):
    class Outcome(models.TextChoices):
        OPEN = "open", _("being mediated")
        RESOLVED = "resolved", pgettext_lazy("dispute", "resolved")
        AGREEMENT = "agreement", _("mediation agreement")
        REFERRED = "referred", _("referred elsewhere")

    class Referral(models.TextChoices):
        ARBITRATION = "arbitration", _("arbitration")
        COURT = "court", _("court")
        ADMINISTRATIVE = "administrative", _("administrative department")

    class Police(models.TextChoices):
        NONE = "", _("not referred")
        REFERRED = "referred", _("referred to the police")
        ANSWERED = "answered", _("the police answered")

    class FoundBy(models.TextChoices):
        SCREENING = "screening", _("screening (摸排)")
        REPORT = "report", _("a party's report")
        REFERRAL = "referral", _("referred by court or police")
        CASE = "case", _("from a case")

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="dispute")
    # A copy of case.grid (set at opening, kept by gridgov.mediation.signals): scope and figures read
    # the dispute's own row and index instead of joining every dispute to its case.
    grid = models.ForeignKey(
        "geo.Grid", on_delete=models.PROTECT, related_name="disputes", verbose_name=_("grid")
    )
    kind = models.CharField(_("kind of dispute"), max_length=30, choices=DisputeKind.choices)
    matter = models.TextField(_("the matter"), max_length=4000)
    happened_on = models.DateField(_("happened on"))
    risk = models.ForeignKey(
        RiskLevel, on_delete=models.PROTECT, related_name="disputes", verbose_name=_("risk")
    )
    risk_reason = models.CharField(_("why this risk"), max_length=300, blank=True)
    violence_risk = models.BooleanField(_("at risk of violence"), default=False)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, default=Tier.GRID)
    tier_started = models.DateField(_("tier started"))
    tier_due = models.DateField(_("tier due"))
    centre = models.ForeignKey(
        MediationCentre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
        verbose_name=_("centre"),
    )
    found_by = models.CharField(
        _("found through"), max_length=20, choices=FoundBy.choices, default=FoundBy.SCREENING
    )
    finder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("found by"),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="disputes",
        verbose_name=_("mediators and officers taking part"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    referral = models.CharField(_("referred to"), max_length=20, choices=Referral.choices, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # Copies of what hangs from the dispute, so that the figures count it in one pass over an index
    # instead of probing four other tables for every dispute. Kept by the services that change what
    # they copy (docs/mediation.md, "The copies the figures read").
    police_status = models.CharField(
        _("police referral"), max_length=10, choices=Police.choices, blank=True, editable=False
    )
    performance = models.CharField(_("performance"), max_length=20, blank=True, editable=False)
    ran_more_than_once = models.BooleanField(
        _("a party came more than once (最多跑一次 missed)"), default=False, editable=False
    )
    follow_up_count = models.PositiveSmallIntegerField(
        _("follow-up visits scheduled"), default=0, editable=False
    )
    follow_up_done_count = models.PositiveSmallIntegerField(
        _("follow-up visits done"), default=0, editable=False
    )

    grid_path = "grid"

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-happened_on", "-pk"]
        indexes = [
            models.Index(fields=["outcome", "tier"], name="mediation_outcome_tier"),
            # The figures' pass reads only this index (covering), already in its GROUP BY order
            # (grid, tier, outcome), so neither the table nor a sort is needed.
            models.Index(
                fields=[
                    "grid",
                    "tier",
                    "outcome",
                    "happened_on",
                    "ended_on",
                    "police_status",
                    "performance",
                    "ran_more_than_once",
                    "follow_up_count",
                    "follow_up_done_count",
                ],
                name="mediation_dispute_pass",
            ),
        ]

    def __str__(self) -> str:
        return self.case.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Whatever path creates a dispute, its grid is its case's: the scope depends on it.
        if self.grid_id is None and self.case_id is not None:
            self.grid_id = self.case.grid_id
        super().save(*args, **kwargs)


class Party(AuditedModel):
    audit_redacted: ClassVar[frozenset[str]] = frozenset({"phone_cipher"})

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        ORGANISATION = "organisation", _("organisation")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispute_parties",
        verbose_name=_("resident"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Visits to a centre, kept by record_visit(): "最多跑一次" is missed when it exceeds 1.
    visit_count = models.PositiveSmallIntegerField(_("visits to a centre"), default=0, editable=False)

    grid_path = "dispute__grid"

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["dispute", "pk"]
        indexes = [
            # Only the few parties who came more than once: the figures' 最多跑一次 flag reads these.
            models.Index(fields=["dispute"], condition=Q(visit_count__gt=1), name="mediation_party_heavy"),
        ]

    def __str__(self) -> str:
        return self.name


class Clue(AuditedModel):
    """A lead found in screening (摸排) before or during a dispute."""

    class Kind(models.TextChoices):
        INCIPIENT = "incipient", _("incipient (苗头性)")
        TENDENCY = "tendency", _("tendency (倾向性)")
        WARNING = "warning", _("warning (预警性)")

    grid = models.ForeignKey(
        "geo.Grid", on_delete=models.PROTECT, related_name="clues", verbose_name=_("grid")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=100)
    found_on = models.DateField(_("found on"))
    description = models.TextField(_("description"), max_length=2000)
    address = models.CharField(_("address"), max_length=200, blank=True)
    residents = models.ManyToManyField(
        "people.Resident", blank=True, related_name="clues", verbose_name=_("people concerned")
    )
    dispute = models.ForeignKey(
        Dispute, on_delete=models.SET_NULL, null=True, blank=True, related_name="clues"
    )
    finder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    grid_path = "grid"

    class Meta:
        verbose_name = _("clue")
        verbose_name_plural = _("clues")
        ordering = ["-found_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.found_on}"


class Session(AuditedModel):
    """One mediation session at a tier: when, where, who, what was said."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    attendees = models.CharField(_("attendees"), max_length=500)
    summary = models.TextField(_("what was said"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    grid_path = "dispute__grid"

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["dispute", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.held_on}"


class PoliceReferral(AuditedModel):
    """People's Mediation Law art. 25: a dispute that may turn violent is reported to the police."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="police_referrals")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    referred_at = models.DateTimeField(_("referred"))
    reason = models.CharField(_("reason"), max_length=300)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)

    grid_path = "dispute__grid"

    class Meta:
        verbose_name = _("police referral")
        verbose_name_plural = _("police referrals")
        ordering = ["-referred_at"]

    def __str__(self) -> str:
        return f"{self.dispute_id} → {self.officer_id}"
