"""Accounts: a role, and a scope on the map that bounds every query the account makes."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import STAFF_ROLES, Role
from gridgov.core.models import AuditedModel, AuditedQuerySet


class ScopeKind(models.TextChoices):
    GRIDS = "grids", _("grids")
    POLICE_ZONES = "police_zones", _("police zones")
    VILLAGE = "village", _("a village or community")
    SUB_DISTRICT = "sub_district", _("a sub-district")
    ALL = "all", _("everything")


class GridgovUserManager(UserManager["User"]):
    def get_queryset(self) -> AuditedQuerySet[User]:
        return AuditedQuerySet(self.model, using=self._db)

    def restrict(self, user: Any, action: str = "view") -> AuditedQuerySet[User]:
        return self.get_queryset().restrict(user, action)


class User(AuditedModel, AbstractUser):
    audit_redacted: ClassVar[frozenset[str]] = frozenset({"password"})

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.GRID_WORKER)
    work_phone = models.CharField(_("work phone"), max_length=20, blank=True)
    scope_kind = models.CharField(
        _("scope"), max_length=20, choices=ScopeKind.choices, default=ScopeKind.GRIDS
    )
    scope_grids = models.ManyToManyField(
        "geo.Grid", blank=True, related_name="+", verbose_name=_("grids in scope")
    )
    scope_police_zones = models.ManyToManyField(
        "geo.PoliceZone", blank=True, related_name="+", verbose_name=_("police zones in scope")
    )
    scope_village = models.ForeignKey(
        "geo.Village",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village in scope"),
    )
    scope_sub_district = models.ForeignKey(
        "geo.SubDistrict",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sub-district in scope"),
    )

    objects: ClassVar[GridgovUserManager] = GridgovUserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    def display_name(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.scope_kind == ScopeKind.VILLAGE and self.scope_village_id is None:
            raise ValidationError({"scope_village": _("Choose the village or community of this scope.")})
        if self.scope_kind == ScopeKind.SUB_DISTRICT and self.scope_sub_district_id is None:
            raise ValidationError({"scope_sub_district": _("Choose the sub-district of this scope.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The back office is for administrators only; the flag follows the role.
        self.is_staff = self.is_superuser or self.role in STAFF_ROLES
        super().save(*args, **kwargs)

    # --- scope -------------------------------------------------------------------------------
    def grid_q(self) -> Q | None:
        """The grids this account may see, as a filter on Grid; None means all of them."""
        cached: tuple[Q | None] | None = getattr(self, "_grid_q_cache", None)
        if cached is not None:
            return cached[0]
        q: Q | None
        if self.is_superuser or self.scope_kind == ScopeKind.ALL:
            q = None
        elif self.scope_kind == ScopeKind.SUB_DISTRICT:
            q = Q(village__sub_district_id=self.scope_sub_district_id)
        elif self.scope_kind == ScopeKind.VILLAGE:
            q = Q(village_id=self.scope_village_id)
        elif self.scope_kind == ScopeKind.POLICE_ZONES:
            q = Q(police_zone_id__in=list(self.scope_police_zones.values_list("pk", flat=True)))
        else:
            q = Q(pk__in=list(self.scope_grids.values_list("pk", flat=True)))
        self._grid_q_cache = (q,)
        return q

    def scope_q(self, model: type[models.Model]) -> Q | None:
        """The filter restrict() applies to `model` for this account (None: no limit).

        Reference data that belongs to no place (tags, categories) sets `unscoped = True`: the role
        alone decides. Otherwise a model declares how it reaches the map: `grid_path` (a record in a
        grid: "grid", "household__grid", …) or `grid_path_to_self` (an area above grids: the path
        from Grid to it). A model with neither is invisible to a scoped account.
        """
        from gridgov.geo.models import Grid

        grid_q = self.grid_q()
        if grid_q is None or getattr(model, "unscoped", False):
            return None
        to_self = getattr(model, "grid_path_to_self", None)
        if model is Grid:
            return grid_q
        if to_self:
            return Q(pk__in=Grid.objects.filter(grid_q).values(to_self))
        grid_path = getattr(model, "grid_path", None)
        if grid_path:
            return Q(**{f"{grid_path}__in": Grid.objects.filter(grid_q).values("pk")})
        if model is User:
            return Q(pk=self.pk)
        return Q(pk__in=[])

    def forget_scope(self) -> None:
        self.__dict__.pop("_grid_q_cache", None)
