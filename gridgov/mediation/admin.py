"""The back office for mediation: risk levels and centres are maintained here; disputes are only read.

A dispute changes through its services (versions, the timeline, police referral), never by editing
rows in the admin, so its admin has no add, change or delete.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from gridgov.core.admin_base import RestrictedAdmin
from gridgov.mediation.models import Dispute, MediationCentre, Party, RiskLevel, Session


class RiskLevelForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RiskLevel
        fields = ["code", "name", "rank", "color", "rule", "respond_hours", "police_at_once"]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}

    def clean_color(self) -> str:
        color: str = self.cleaned_data["color"]
        # Pages put the colour in a style attribute: only #rrggbb is accepted.
        if len(color) != 7 or color[0] != "#" or any(c not in "0123456789abcdefABCDEF" for c in color[1:]):
            raise forms.ValidationError(_("A colour is written #rrggbb."))
        return color


@admin.register(RiskLevel)
class RiskLevelAdmin(RestrictedAdmin):
    form = RiskLevelForm
    list_display = ["rank", "code", "name", "color", "respond_hours", "police_at_once", "rule"]
    list_display_links = ["code", "name"]
    ordering = ["rank"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A level in use is protected by the database anyway; an unused one may go.
        return super().has_delete_permission(request, obj) and not (obj and obj.disputes.exists())


@admin.register(MediationCentre)
class MediationCentreAdmin(RestrictedAdmin):
    list_display = ["name", "level", "sub_district", "village", "area_m2"]
    list_filter = ["level", "sub_district"]
    search_fields = ["name", "village__name"]
    autocomplete_fields = ["village", "mediators"]
    list_select_related = ["sub_district", "village"]


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


PARTY_FIELDS = ("kind", "name", "phone_masked", "address", "resident")
SESSION_FIELDS = ("tier", "held_on", "place", "attendees", "summary")


class PartyInline(ReadOnlyInline):
    model = Party
    fields = PARTY_FIELDS
    readonly_fields = PARTY_FIELDS


class SessionInline(ReadOnlyInline):
    model = Session
    fields = SESSION_FIELDS
    readonly_fields = SESSION_FIELDS


@admin.register(Dispute)
class DisputeAdmin(RestrictedAdmin):
    list_display = ["case", "kind", "risk", "tier", "tier_due", "outcome", "happened_on"]
    list_filter = ["outcome", "tier", "risk", "kind"]
    search_fields = ["case__title", "matter"]
    date_hierarchy = "happened_on"
    list_select_related = ["case", "risk"]
    inlines = [PartyInline, SessionInline]
    exclude = ["participants"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Dispute._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing is allowed (has_view_permission); saving is not: changes go through the services.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
