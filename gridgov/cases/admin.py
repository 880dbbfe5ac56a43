"""The back office for cases: categories, departments, triage rules and webhooks are edited here;
cases themselves are only read — their state changes through the workflow, never by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gridgov.cases.models import (
    Case,
    CaseEvent,
    CaseItem,
    Category,
    Department,
    TriageRule,
    WebhookDelivery,
    WebhookEndpoint,
)
from gridgov.core.admin_base import RestrictedAdmin


@admin.register(Department)
class DepartmentAdmin(RestrictedAdmin):
    list_display = ["code", "name", "member_count"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]

    @admin.display(description=_("members"))
    def member_count(self, obj: Department) -> int:
        return obj.members.count()


@admin.register(Category)
class CategoryAdmin(RestrictedAdmin):
    list_display = ["code", "name", "parent", "police", "handler", "department", "resolve_hours", "active"]
    list_filter = ["police", "handler", "active", "open311"]
    search_fields = ["code", "name", "keywords"]
    list_select_related = ["parent", "department"]
    fieldsets = [
        (None, {"fields": ["code", "name", "parent", "active"]}),
        (_("Routing"), {"fields": ["police", "handler", "department", "keywords"]}),
        (_("Deadlines"), {"fields": ["accept_minutes", "respond_minutes", "resolve_hours"]}),
        (_("Residents"), {"fields": ["rating_asked", "open311"]}),
    ]


@admin.register(TriageRule)
class TriageRuleAdmin(RestrictedAdmin):
    list_display = ["name", "priority", "police", "handler", "category", "active"]
    list_filter = ["police", "handler", "active"]
    search_fields = ["name", "keywords"]
    list_editable = ["priority", "active"]


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "actor_name", "action", "from_state", "to_state", "note"]


class ItemInline(ReadOnlyInline):
    model = CaseItem
    fields = ["name", "quantity", "unit", "done", "done_at"]


@admin.register(Case)
class CaseAdmin(RestrictedAdmin):
    """Read-only: a case moves only through gridgov.cases.services.transitions (audited, versioned)."""

    list_display = ["case_number", "title", "category", "state", "police", "grid", "assignee", "reported_at"]
    list_filter = ["state", "police", "channel", "handler", "level"]
    search_fields = ["title", "external_id"]
    date_hierarchy = "reported_at"
    list_select_related = ["category", "grid", "assignee"]
    exclude = ["rating_token_digest"]
    inlines = [ItemInline, EventInline]

    @admin.display(description=_("number"), ordering="reported_at")
    def case_number(self, obj: Case) -> str:
        return obj.number

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UnscopedAdmin(RestrictedAdmin):
    """Webhooks belong to no place and their models have no restrict(): the role alone decides."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = admin.ModelAdmin.get_queryset(self, request)
        meta = qs.model._meta
        return qs if request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}") else qs.none()


class WebhookForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    # The signing secret is never sent back to the browser; left empty, the stored one is kept.
    secret = forms.CharField(
        label=_("signing secret (DingTalk)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current secret."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "format", "secret", "kinds", "active"]

    def clean_secret(self) -> str:
        value: str = self.cleaned_data.get("secret") or ""
        return value or (self.instance.secret if self.instance.pk else "")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(UnscopedAdmin):
    form = WebhookForm
    list_display = ["name", "format", "kinds", "active"]
    list_filter = ["format", "active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(UnscopedAdmin):
    list_display = ["endpoint", "status", "attempts", "next_attempt_at", "last_error", "created_at"]
    list_filter = ["status", "endpoint"]
    readonly_fields = ["endpoint", "payload", "status", "attempts", "next_attempt_at", "last_error"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
