"""Where people live: buildings (placed in their grid by locate), units, households."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import AuditedModel
from gridgov.geo.models import Grid

# Residential buildings over 27 m are high-rise (GB 50016); at about 2.8 m a storey that is 10 floors.
HIGH_RISE_FLOORS = 10


class Building(AuditedModel):
    class Use(models.TextChoices):
        RESIDENTIAL = "residential", _("residential")
        MIXED = "mixed", _("residential and commercial")
        COMMERCIAL = "commercial", _("commercial")
        PUBLIC = "public", _("public")
        INDUSTRIAL = "industrial", _("industrial")
        OTHER = "other", _("other")

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("grid"))
    name = models.CharField(_("building"), max_length=60, help_text=_("e.g. building 9 / 9幢"))
    address = models.CharField(_("address"), max_length=200)
    lng = models.FloatField(
        _("longitude (WGS-84)"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    lat = models.FloatField(
        _("latitude (WGS-84)"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    floors = models.PositiveSmallIntegerField(
        _("floors"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    high_rise = models.BooleanField(_("high-rise"), default=False)
    use = models.CharField(_("use"), max_length=20, choices=Use.choices, default=Use.RESIDENTIAL)

    grid_path = "grid"

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["grid", "name"]
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="people_building_unique_name")]

    def __str__(self) -> str:
        return self.address


class Unit(AuditedModel):
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="units", verbose_name=_("building")
    )
    number = models.CharField(_("unit"), max_length=20)

    grid_path = "building__grid"

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="people_unit_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.number}"


class Household(AuditedModel):
    """A dwelling and the people registered in it (户). Its grid is the building's, kept here for speed."""

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="households", verbose_name=_("building")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("unit"),
    )
    room = models.CharField(_("room"), max_length=20)
    address = models.CharField(_("address"), max_length=200)
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="households", verbose_name=_("grid")
    )

    grid_path = "grid"

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building", "unit", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="people_household_unique_room"),
        ]
        # The figures count a grid's households and the buildings they are in from this index alone.
        indexes = [models.Index(fields=["grid", "building"], name="people_hh_grid_building")]

    def __str__(self) -> str:
        return self.address
