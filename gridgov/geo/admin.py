from __future__ import annotations

import json
from typing import Any

import shapely
from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from gridgov.core.admin_base import RestrictedAdmin
from gridgov.geo.models import Grid, PoliceZone, SubDistrict, Village


class AreaForm(forms.ModelForm):  # type: ignore[type-arg]
    def clean_boundary(self) -> str:
        text: str = self.cleaned_data["boundary"]
        try:
            geometry = json.loads(text)
            shape = shapely.from_geojson(text)
        except (ValueError, shapely.errors.GEOSException):
            raise forms.ValidationError(_("The boundary cannot be read as GeoJSON.")) from None
        if geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            raise forms.ValidationError(_("The boundary must be a Polygon or MultiPolygon."))
        if not shape.is_valid:
            raise forms.ValidationError(
                _("Invalid polygon (%(reason)s).") % {"reason": shapely.is_valid_reason(shape)}
            )
        return text


class AreaAdmin(RestrictedAdmin):
    form = AreaForm
    search_fields = ["code", "name"]
    readonly_fields = ["min_lng", "min_lat", "max_lng", "max_lat", "label_lng", "label_lat"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.set_boundary(json.loads(obj.boundary))  # keeps the bounding box and label point in step
        super().save_model(request, obj, form, change)


@admin.register(SubDistrict)
class SubDistrictAdmin(AreaAdmin):
    list_display = ["code", "name"]


@admin.register(Village)
class VillageAdmin(AreaAdmin):
    list_display = ["code", "name", "kind", "sub_district"]
    list_filter = ["kind", "sub_district"]


@admin.register(PoliceZone)
class PoliceZoneAdmin(AreaAdmin):
    list_display = ["code", "name", "sub_district", "officer"]
    list_filter = ["sub_district"]
    autocomplete_fields = ["officer"]


@admin.register(Grid)
class GridAdmin(AreaAdmin):
    list_display = ["code", "name", "village", "police_zone", "leader"]
    list_filter = ["village__sub_district", "police_zone"]
    autocomplete_fields = ["village", "police_zone", "leader", "workers"]
    list_select_related = ["village", "police_zone", "leader"]
