"""API tokens: shown once at creation, stored as a SHA-256 digest, revocable."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import AuditedModel

if TYPE_CHECKING:
    from gridgov.accounts.models.user import User

PREFIX = "ggv_"


def digest(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a plain SHA-256 is enough; no slow hash is needed.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(AuditedModel):
    audit_redacted: ClassVar[frozenset[str]] = frozenset({"key_digest"})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_digest = models.CharField(max_length=64, unique=True)
    key_hint = models.CharField(_("key starts with"), max_length=12)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.key_hint}… ({self.user_id})"

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        """Create a token; the raw key is returned once and never stored."""
        raw = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_digest=digest(raw), key_hint=raw[:10])
        return token, raw

    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
