"""The five-tier mediation ladder and the centres where it is climbed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import AuditedModel


class Tier(models.IntegerChoices):
    GRID = 1, _("grid review with neighbouring households (网格联户评事)")
    VILLAGE = 2, _("village consultation (村级恳谈化事)")
    DEPARTMENTS = 3, _("departments together (部门协同解事)")
    SUB_DISTRICT = 4, _("sub-district mediation centre (街道调处息事)")
    KEY_MATTERS = 5, _("key-matters meeting (要件会议断事)")


VENUES = {
    Tier.GRID: _("the grid"),
    Tier.VILLAGE: _("the village mediation centre"),
    Tier.DEPARTMENTS: _("the departments together"),
    Tier.SUB_DISTRICT: _("the sub-district mediation centre"),
    Tier.KEY_MATTERS: _("the key-matters meeting"),
}
TOP_TIER = Tier.KEY_MATTERS
# People's mediation is normally settled within 30 days, longer only with the parties' consent.
DAYS_PER_TIER = 30


class MediationCentre(AuditedModel):
    """矛调中心: one per sub-district and one per village (Chengxi: 1 + 20)."""

    class Level(models.TextChoices):
        SUB_DISTRICT = "sub_district", _("sub-district centre")
        VILLAGE = "village", _("village centre")

    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    sub_district = models.ForeignKey(
        "geo.SubDistrict", on_delete=models.PROTECT, related_name="centres", verbose_name=_("sub-district")
    )
    village = models.OneToOneField(
        "geo.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centre",
        verbose_name=_("village"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="centres", verbose_name=_("mediators")
    )

    unscoped = True  # where the centres are and who mediates there is public

    class Meta:
        verbose_name = _("mediation centre")
        verbose_name_plural = _("mediation centres")
        ordering = ["sub_district", "level", "name"]

    def __str__(self) -> str:
        return self.name
