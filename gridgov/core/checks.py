"""A production start refuses debug mode and the demo secrets."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


def production_problems() -> list[str]:
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on")
    if settings.SECRET_KEY in {"", settings.MISSING_SECRET, settings.DEMO_SECRET_KEY}:
        problems.append("SECRET_KEY is missing or is the demo key")
    if len(settings.SECRET_KEY) < 40:
        problems.append("SECRET_KEY is shorter than 40 characters")
    if not settings.GRIDGOV_DATA_KEY or settings.GRIDGOV_DATA_KEY == settings.DEMO_DATA_KEY:
        problems.append("GRIDGOV_DATA_KEY is missing or is the demo key")
    if not settings.ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty")
    return problems


@register("gridgov", deploy=True)
def check_production(app_configs: Any, **kwargs: Any) -> list[Error]:
    if not settings.PRODUCTION:
        return []
    return [Error(p, id="gridgov.E001") for p in production_problems()]
