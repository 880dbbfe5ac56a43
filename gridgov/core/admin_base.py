"""The back office goes through the same choke point as everything else."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest


class RestrictedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        restrict = getattr(qs, "restrict", None)
        return restrict(request.user, "view") if restrict else qs.none()
