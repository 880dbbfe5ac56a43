"""Who lives where: residents, their move-in/move-out history, residence registrations and tags.

Document numbers and phones are never stored in clear: each is kept as an AES-GCM ciphertext, a keyed
blind index for exact search, and its masked form for lists (gridgov.core.crypto, .masking).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import AuditedModel
from gridgov.geo.models import Grid
from gridgov.people.models.places import Household

SENSITIVE_COLUMNS = frozenset(
    {
        "document_cipher",
        "document_index",
        "phone_cipher",
        "phone_index",
        "landlord_phone_cipher",
        "landlord_phone_index",
    }
)


class Tag(AuditedModel):
    """关爱对象 / 重点人群, defined by an administrator."""

    class Kind(models.TextChoices):
        CARE = "care", _("person in our care")
        KEY = "key", _("key group")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CARE)
    description = models.CharField(_("description"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    unscoped = True

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Resident(AuditedModel):
    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("registered resident")
        FLOATING = "floating", _("floating resident")

    class Relation(models.TextChoices):
        HEAD = "head", _("head of household")
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        GRANDCHILD = "grandchild", _("grandchild")
        GRANDPARENT = "grandparent", _("grandparent")
        SIBLING = "sibling", _("brother or sister")
        TENANT = "tenant", _("tenant")
        OTHER = "other", _("other")

    audit_redacted: ClassVar[frozenset[str]] = SENSITIVE_COLUMNS

    # Indexed in Meta: the search box matches a name typed in Chinese by its prefix.
    name = models.CharField(_("name"), max_length=60)
    name_pinyin = models.CharField(max_length=120, editable=False)
    name_initials = models.CharField(max_length=30, editable=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    document_type = models.CharField(_("document type"), max_length=40, default="resident_id")
    document_cipher = models.TextField(editable=False)
    document_index = models.CharField(max_length=64, editable=False)
    document_masked = models.CharField(_("document number"), max_length=40, editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    relation = models.CharField(
        _("relation to the head"), max_length=20, choices=Relation.choices, default=Relation.HEAD
    )
    kind = models.CharField(_("residence"), max_length=20, choices=Kind.choices, default=Kind.REGISTERED)
    workplace = models.CharField(_("workplace"), max_length=100, blank=True)
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("household"),
    )
    # The current grid, or the last one after moving away: what scope and the figures read.
    grid = models.ForeignKey(
        Grid,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("grid"),
    )
    moved_away_on = models.DateField(_("moved away on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    tags: models.ManyToManyField[Tag, ResidentTag] = models.ManyToManyField(
        Tag, through="ResidentTag", related_name="residents", verbose_name=_("tags")
    )

    grid_path = "grid"

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name_pinyin", "id"]
        permissions = [("unmask_resident", "May see full document numbers and phones, with a reason")]
        # Plain indexes, not db_index=True: on PostgreSQL that adds a varchar_pattern_ops twin to each
        # (…_like), for LIKE under the database's collation, which no query here runs. Blind indexes are
        # only ever matched whole, and the prefix searches compare under collation "C" through the
        # search indexes of migration 0004. Five indexes fewer to keep up on every insert (an import's).
        indexes = [
            models.Index(fields=["name"], name="people_res_name"),
            models.Index(fields=["name_pinyin"], name="people_res_pinyin"),
            models.Index(fields=["name_initials"], name="people_res_initials"),
            models.Index(fields=["document_index"], name="people_res_document"),
            models.Index(fields=["phone_index"], name="people_res_phone"),
            models.Index(fields=["grid", "kind"], name="people_res_grid_kind"),
            # The 底数清 figures read only the present residents of some grids, by kind and household,
            # and match them to their tags by id: this index alone answers them, without a visit to the
            # table's rows. PostgreSQL needs the id named; SQLite, every column its WHERE mentions.
            models.Index(
                fields=["grid", "kind", "household", "id", "anonymised_at"],
                condition=Q(household__isnull=False, anonymised_at=None),
                name="people_res_present",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def present(self) -> bool:
        return self.household_id is not None


class ResidentTag(AuditedModel):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(
        Tag, on_delete=models.PROTECT, related_name="resident_links", verbose_name=_("tag")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    grid_path = "resident__grid"

    class Meta:
        verbose_name = _("tag of a resident")
        verbose_name_plural = _("tags of residents")
        ordering = ["tag", "start"]

    def __str__(self) -> str:
        return f"{self.resident} · {self.tag}"


class Residence(AuditedModel):
    """One stay of a resident in a household: answers "who lived where on a given date"."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="residences")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residences", verbose_name=_("household")
    )
    moved_in = models.DateField(_("moved in"))
    moved_out = models.DateField(_("moved out"), null=True, blank=True)

    grid_path = "household__grid"

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")
        ordering = ["resident", "moved_in"]
        # Figures for a past date read the stays changed since: open ones that began after it
        # (moved_out IS NULL, moved_in > D) and closed ones that ended after it (moved_out > D), with
        # whose and where they were, from this index alone.
        indexes = [
            models.Index(
                fields=["moved_out", "moved_in", "resident", "household"], name="people_stay_changes"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True) | Q(moved_out__gte=models.F("moved_in")),
                name="people_residence_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} @ {self.household} {self.moved_in}–{self.moved_out or ''}"


class ResidenceRegistration(AuditedModel):
    """流动人口居住登记: a floating resident's registration, which lapses after its expected end."""

    class Reason(models.TextChoices):
        WORK = "work", _("work")
        BUSINESS = "business", _("business")
        STUDY = "study", _("study")
        FAMILY = "family", _("joining family")
        OTHER = "other", _("other")

    audit_redacted: ClassVar[frozenset[str]] = SENSITIVE_COLUMNS

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="registrations")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("household")
    )
    start = models.DateField(_("registered from"))
    expected_end = models.DateField(_("expected end"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    landlord_name = models.CharField(_("landlord"), max_length=60, blank=True)
    landlord_phone_cipher = models.TextField(blank=True, editable=False)
    landlord_phone_index = models.CharField(max_length=64, blank=True, editable=False)
    landlord_phone_masked = models.CharField(_("landlord's phone"), max_length=20, blank=True, editable=False)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, default=Reason.WORK)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )

    grid_path = "household__grid"

    class Meta:
        verbose_name = _("residence registration")
        verbose_name_plural = _("residence registrations")
        ordering = ["-start"]
        indexes = [
            # Lapsed registrations: the open ones of a household past their expected end, and for a past
            # date those ended since.
            models.Index(
                fields=["household", "expected_end"], condition=Q(ended_on=None), name="people_reg_open"
            ),
            models.Index(fields=["ended_on"], name="people_reg_ended_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_end__gte=models.F("start")), name="people_registration_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} {self.start}–{self.expected_end}"
