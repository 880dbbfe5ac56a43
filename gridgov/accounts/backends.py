"""Permissions from the role table (gridgov.accounts.roles); superusers may do everything."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from gridgov.accounts.roles import allows


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        app_label, _, codename = perm.partition(".")
        action = codename.split("_", 1)[0]
        return allows(getattr(user_obj, "role", ""), app_label, action)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if not user_obj.is_active:
            return False
        return user_obj.is_superuser or any(
            allows(getattr(user_obj, "role", ""), app_label, a) for a in ("view", "add", "change", "delete")
        )
