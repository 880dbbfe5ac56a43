"""What a case is about, who handles each kind, and the rules that read a report's text."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import AuditedModel


class HandlerKind(models.TextChoices):
    GRID = "grid", _("the grid (grid worker)")
    POLICE = "police", _("the police zone (officer)")
    DEPARTMENT = "department", _("a department")


class Department(AuditedModel):
    """A government department cases are routed to (fire, market supervision, housing, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="departments", verbose_name=_("members")
    )

    unscoped = True

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Category(AuditedModel):
    """A major class (2 digits) or a minor class under it (4 digits), as in GB/T 30428's event classes."""

    code = models.CharField(
        _("code"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{2}(\d{2})?$", _("2 digits, or 4 for a minor class."))],
    )
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("major class"),
    )
    police = models.BooleanField(_("police matter"), default=False)
    handler = models.CharField(
        _("handled by"), max_length=20, choices=HandlerKind.choices, default=HandlerKind.GRID
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
        verbose_name=_("department"),
    )
    accept_minutes = models.PositiveIntegerField(
        _("accept within (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    respond_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"), default=120, validators=[MinValueValidator(1)]
    )
    resolve_hours = models.PositiveIntegerField(
        _("resolve within (hours)"), default=72, validators=[MinValueValidator(1)]
    )
    rating_asked = models.BooleanField(_("ask the resident for a rating"), default=True)
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated words that point a report to this category."),
    )
    open311 = models.BooleanField(_("offered through Open311"), default=False)
    active = models.BooleanField(_("in use"), default=True)

    unscoped = True

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_major(self) -> bool:
        return len(self.code) == 2

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace("，", ",").split(",") if k.strip()]


class TriageRule(AuditedModel):
    """Words in a report that decide police or not and who handles it, whatever category was chosen.

    For example "打架, 持刀, 威胁" → police: a quarrel that could turn violent goes to the police zone.
    """

    name = models.CharField(_("name"), max_length=60)
    keywords = models.CharField(_("keywords"), max_length=500, help_text=_("Comma-separated."))
    police = models.BooleanField(_("police matter"), default=True)
    handler = models.CharField(
        _("handled by"), max_length=20, choices=HandlerKind.choices, default=HandlerKind.POLICE
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("department")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("set category")
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower numbers are tried first.")
    )
    active = models.BooleanField(_("in use"), default=True)

    unscoped = True

    class Meta:
        verbose_name = _("triage rule")
        verbose_name_plural = _("triage rules")
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace("，", ",").split(",") if k.strip()]
