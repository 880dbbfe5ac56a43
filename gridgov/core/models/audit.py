"""The audit trail's storage: append-only entries, sealed into a SHA-256 hash chain."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries are append-only; use `gridgov audit prune`")


class AuditEntry(models.Model):
    """One write or one view of personal data.

    `content_hash` is fixed at insert, inside the writer's transaction. `seq` and `chain_hash` are
    given later by the sealer in one short transaction, so writers never wait on each other for the
    chain head while their own transactions are open.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        VIEW = "view", _("view personal data")
        LOGIN = "login", _("log in")
        LOGIN_FAILED = "login_failed", _("failed log-in")
        LOGOUT = "logout", _("log out")
        EXPORT = "export", _("export")
        COMMAND = "command", _("command")

    at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("actor"), max_length=150)
    role = models.CharField(_("role"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=20)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.CharField(_("IP address"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # Canonical JSON text, hashed as stored: a JSON column would be re-serialised by the database
    # (PostgreSQL's jsonb reorders keys) and no longer match its hash.
    changes = models.TextField(_("changes"), blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    content_hash = models.CharField(max_length=64)
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    chain_hash = models.CharField(max_length=64, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_id", "at"]),
            # Matched whole: no LIKE twin (migration 0003).
            models.Index(fields=["request_id"], name="core_audit_request"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only two writes are allowed: the insert, and the sealer filling an empty seq once.
        if self.pk is not None and kwargs.get("update_fields") != ["seq", "chain_hash"]:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries are append-only; use `gridgov audit prune`")


class AuditAnchor(models.Model):
    """The chain's head, one row: the last sealed seq and hash.

    Also where pruning leaves the hash of the last removed entry, so verification of what remains
    starts from a known value.
    """

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    pruned_through_seq = models.BigIntegerField(default=0)
    pruned_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain anchor")
        default_permissions = ()

    def __str__(self) -> str:
        return f"audit chain at {self.last_seq}"
