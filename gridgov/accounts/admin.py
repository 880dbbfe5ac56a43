from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import ApiToken, User
from gridgov.core.admin_base import RestrictedAdmin


@admin.register(User)
class AccountAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "full_name", "role", "scope_kind", "is_active", "last_login"]
    list_filter = ["role", "scope_kind", "is_active"]
    search_fields = ["username", "full_name"]
    autocomplete_fields = ["scope_grids", "scope_police_zones", "scope_village", "scope_sub_district"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "work_phone", "email"]}),
        (
            _("Role and scope"),
            {
                "fields": [
                    "role",
                    "scope_kind",
                    "scope_grids",
                    "scope_police_zones",
                    "scope_village",
                    "scope_sub_district",
                ]
            },
        ),
        (_("Status"), {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "full_name", "role", "scope_kind", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return User.objects.restrict(request.user, "view")


@admin.register(ApiToken)
class ApiTokenAdmin(RestrictedAdmin):
    list_display = ["key_hint", "user", "name", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["key_hint", "user", "created_at", "last_used_at"]
    exclude = ["key_digest"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued with `gridgov token create`, which shows the key once

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at=None):
            token.revoked_at = timezone.now()
            token.save()
