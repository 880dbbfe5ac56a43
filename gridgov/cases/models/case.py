"""The case (事件): one request or problem, from intake to the resident's rating."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.cases.models.categories import Category, Department, HandlerKind
from gridgov.core.models import AuditedModel
from gridgov.geo.models import Grid, PoliceZone, Village


class State(models.TextChoices):
    REPORTED = "reported", _("reported")
    ACCEPTED = "accepted", _("accepted")
    DISPATCHED = "dispatched", _("dispatched")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")
    VERIFIED = "verified", _("verified")
    CLOSED = "closed", _("closed")
    RETURNED = "returned", _("returned for rework")
    ESCALATED = "escalated", _("escalated")
    MERGED = "merged", _("merged")
    CANCELLED = "cancelled", _("cancelled")


OPEN_STATES = frozenset(
    {State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.RETURNED, State.ESCALATED}
)
FINAL_STATES = frozenset({State.CLOSED, State.MERGED, State.CANCELLED})


def case_number(reported_at: dt.datetime, pk: int) -> str:
    """A case's number: the date of its report where the case is (the deployment's time zone: a report
    at 07:00 in Wenling is that day's, though it is the day before in UTC) and its key, 20261129-056256.
    Not strftime, which costs five times as much; every intake formats one per case and duplicate."""
    day = timezone.localtime(reported_at) if timezone.is_aware(reported_at) else reported_at
    return "%04d%02d%02d-%06d" % (day.year, day.month, day.day, pk)  # noqa: UP031


class Channel(models.TextChoices):
    CONTACT_CARD = "contact_card", _("contact card (resident's form)")
    PHONE = "phone", _("phone call")
    WECHAT = "wechat", _("WeChat message")
    PATROL = "patrol", _("grid worker's patrol")
    DIVERSION_110 = "110", _("diverted from 110")
    CAMERA = "camera", _("camera alarm")
    OPEN311 = "open311", _("Open311")


class Level(models.IntegerChoices):
    """Who holds the case: escalation moves it one level up."""

    HANDLER = 0, _("grid worker, officer or department")
    VILLAGE = 1, _("grid leader / village")
    COMMAND = 2, _("sub-district command centre")


class Case(AuditedModel):
    audit_redacted: ClassVar[frozenset[str]] = frozenset({"rating_token_digest"})

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category"), db_index=False
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REPORTED)
    # Every change compares and bumps it: two people acting at once, exactly one wins.
    version = models.PositiveIntegerField(default=1)
    police = models.BooleanField(_("police matter"), default=False)
    handler = models.CharField(_("handled by"), max_length=20, choices=HandlerKind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.HANDLER)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_assigned",
        verbose_name=_("assigned to"),
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("department"),
        db_index=False,
    )
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="cases", verbose_name=_("grid"), db_index=False
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="cases", verbose_name=_("village")
    )
    police_zone = models.ForeignKey(
        PoliceZone, on_delete=models.PROTECT, related_name="cases", verbose_name=_("police zone")
    )
    lng = models.FloatField(_("longitude (WGS-84)"))
    lat = models.FloatField(_("latitude (WGS-84)"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    building = models.ForeignKey(
        "people.Building",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("building"),
        db_index=False,
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("household"),
        db_index=False,
    )
    reported_at = models.DateTimeField(_("reported"), db_index=True)
    accept_due = models.DateTimeField(_("accept by"))
    respond_due = models.DateTimeField(_("respond by"))
    resolve_due = models.DateTimeField(_("resolve by"))
    # Promised at intake from the category; moved only by a recorded deferral. "On time" means by it.
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    deferred = models.BooleanField(_("deadline deferred"), default=False)
    rework_count = models.PositiveSmallIntegerField(_("times reworked"), default=0)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("merged into"),
        db_index=False,
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rating_token_digest = models.CharField(max_length=64, blank=True)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        blank=True,
        help_text=_("The id given by the system that sent it (110, camera, Open311)."),
    )

    grid_path = "grid"

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "resolve_due"], name="cases_state_due"),
            models.Index(fields=["grid", "reported_at"], name="cases_grid_reported"),
            models.Index(fields=["assignee", "state"], name="cases_assignee_state"),
            # Intake's duplicate search: one category's last 24 hours, then the box on lat and lng,
            # checked inside the index before any case row is read.
            models.Index(fields=["category", "reported_at", "lat", "lng"], name="cases_duplicate_box"),
            # Single columns each intake would otherwise index too: not those the indexes above begin
            # with (grid, assignee, state, category), no LIKE twins (exact matches only), and the
            # relations a new case seldom has only where it has them (migration 0005).
            models.Index(fields=["external_id"], name="cases_external_id"),
            models.Index(fields=["rating_token_digest"], name="cases_rating_token"),
            *(
                models.Index(fields=[n], name=f"cases_with_{n}", condition=Q(**{f"{n}__isnull": False}))
                for n in ("building", "household", "department", "merged_into")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return case_number(self.reported_at, self.pk) if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseItem(AuditedModel):
    """One line of a supply request (2 bags of rice …) that the handler ticks off."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("item"), max_length=60)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    unit = models.CharField(pgettext_lazy("of a quantity", "unit"), max_length=10, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    grid_path = "case__grid"

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.quantity.normalize()}{self.unit}"


class Reporter(AuditedModel):
    """Who reported a case. A merged case keeps its reporters, so each hears the outcome."""

    audit_redacted: ClassVar[frozenset[str]] = frozenset({"phone_cipher", "phone_index"})

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reporters")
    name = models.CharField(_("name"), max_length=60, blank=True)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("resident"),
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff who reported"),
    )
    device = models.CharField(max_length=64, blank=True, editable=False)

    grid_path = "case__grid"

    class Meta:
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")
        indexes = [models.Index(fields=["phone_index"], name="cases_reporter_phone")]

    def __str__(self) -> str:
        return self.name or self.phone_masked or "—"
