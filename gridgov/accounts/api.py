from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

router = Router(tags=["accounts"])


@router.get("/me", summary="Who am I: account, role and scope")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "username": user.username,
        "name": user.display_name(),
        "role": user.role,
        "scope": user.scope_kind,
        "superuser": user.is_superuser,
    }
