"""The map: sub-districts → villages/communities → grids, and police zones over the same grids.

Boundaries are GeoJSON text in WGS-84 ([lng, lat]); shapely reads them into the in-memory locate
index (gridgov.geo.index), so no spatial database extension is needed.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import AuditedModel


class Area(AuditedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    boundary = models.TextField(_("boundary (GeoJSON, WGS-84)"))
    # The bounding box and a label point, kept with the boundary, for map queries without parsing.
    min_lng = models.FloatField(default=0)
    min_lat = models.FloatField(default=0)
    max_lng = models.FloatField(default=0)
    max_lat = models.FloatField(default=0)
    label_lng = models.FloatField(default=0)
    label_lat = models.FloatField(default=0)

    # How restrict() finds the grids of a record: the path from Grid to this model.
    grid_path_to_self: ClassVar[str] = ""

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def geometry(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.boundary)
        return value

    def set_boundary(self, geometry: dict[str, Any]) -> None:
        import shapely

        shape = shapely.from_geojson(json.dumps(geometry))
        self.boundary = json.dumps(geometry, separators=(",", ":"))
        self.min_lng, self.min_lat, self.max_lng, self.max_lat = (float(v) for v in shape.bounds)
        point = shape.representative_point()
        self.label_lng, self.label_lat = float(point.x), float(point.y)


class SubDistrict(Area):
    code = models.CharField(
        _("code"),
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^\d{9}$", _("A sub-district code is 9 digits."))],
    )
    grid_path_to_self = "village__sub_district"

    class Meta(Area.Meta):
        verbose_name = _("sub-district")
        verbose_name_plural = _("sub-districts")

    @property
    def county_code(self) -> str:
        return self.code[:6]


class Village(Area):
    class Kind(models.TextChoices):
        VILLAGE = "village", _("village")
        COMMUNITY = "community", _("community")

    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{12}$", _("A village or community code is 12 digits."))],
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VILLAGE)
    sub_district = models.ForeignKey(
        SubDistrict, on_delete=models.PROTECT, related_name="villages", verbose_name=_("sub-district")
    )
    grid_path_to_self = "village"

    class Meta(Area.Meta):
        verbose_name = _("village or community")
        verbose_name_plural = _("villages and communities")


class PoliceZone(Area):
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{9}J\d{2}$", _("A police zone code is 9 digits, J and 2 digits."))],
    )
    sub_district = models.ForeignKey(
        SubDistrict, on_delete=models.PROTECT, related_name="police_zones", verbose_name=_("sub-district")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="police_zones_led",
        verbose_name=_("community police officer"),
    )
    grid_path_to_self = "police_zone"

    class Meta(Area.Meta):
        verbose_name = _("police zone")
        verbose_name_plural = _("police zones")


class Grid(Area):
    code = models.CharField(
        _("code"),
        max_length=15,
        unique=True,
        validators=[RegexValidator(r"^\d{15}$", _("A grid code is 15 digits."))],
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="grids", verbose_name=_("village or community")
    )
    police_zone = models.ForeignKey(
        PoliceZone, on_delete=models.PROTECT, related_name="grids", verbose_name=_("police zone")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grids_led",
        verbose_name=_("grid leader"),
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="grids_worked", verbose_name=_("grid workers")
    )
    grid_path_to_self = "pk"

    class Meta(Area.Meta):
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        indexes = [models.Index(fields=["min_lng", "min_lat"])]


class MapVersion(models.Model):
    """One row, bumped in the same transaction as any boundary change.

    Every process compares it with the version its locate index was built from and rebuilds when they
    differ, so web and worker processes never locate against a stale map.
    """

    version = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"map version {self.version}"
