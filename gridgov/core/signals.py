"""Receivers that put deletes (cascades included), many-to-many changes and log-ins on the trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver

from gridgov.core import audit, context
from gridgov.core.models.base import AuditedModel


@receiver(post_delete)
def _deleted(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, AuditedModel):
        audit.record_delete(instance)


@receiver(m2m_changed)
def _m2m(sender: type[Any], instance: Any, action: str, pk_set: set[Any] | None, **kwargs: Any) -> None:
    if not isinstance(instance, AuditedModel) or action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action != "post_clear" and not pk_set:
        return  # adding someone already there (or removing someone absent) changes nothing
    field = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), sender.__name__
    )
    audit.record_m2m(instance, field, action.removeprefix("post_"), pk_set or ())


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    context.set_actor(user.pk, user.get_username(), getattr(user, "role", ""))
    audit.record_event("login", user.get_username())


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record_event("logout", user.get_username())


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The username tried, never the password.
    audit.record_event("login_failed", str(credentials.get("username", ""))[:150])
