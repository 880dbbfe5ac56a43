"""Open311's own records: the api keys of outside systems, and what each request they posted became."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.cases.models import Case
from gridgov.core.models import AuditedModel

PREFIX = "o311_"
HINT_LENGTH = 12


def digest(raw: str) -> str:
    # Keys carry 256 bits of randomness, so a plain SHA-256 is enough (as for gridgov's API tokens).
    return hashlib.sha256(raw.encode()).hexdigest()


class Open311Key(AuditedModel):
    """The api_key of one outside system that posts requests: shown once at creation, stored hashed."""

    audit_redacted: ClassVar[frozenset[str]] = frozenset({"key_digest"})

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("The outside system."))
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(_("key starts with"), max_length=HINT_LENGTH, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 api key")
        verbose_name_plural = _("Open311 api keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_hint}…)"

    @classmethod
    def issue(cls, name: str) -> tuple[Open311Key, str]:
        """Create a key; the raw key is returned once and never stored."""
        raw = PREFIX + secrets.token_urlsafe(32)
        key = cls.objects.create(name=name, key_digest=digest(raw), key_hint=raw[:HINT_LENGTH])
        return key, raw

    @classmethod
    def find(cls, raw: str) -> Open311Key | None:
        """The usable key for `raw`, or None (unknown and revoked keys alike)."""
        if not raw:
            return None
        return cls.objects.filter(key_digest=digest(raw), revoked_at=None).first()


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Open311Request(AuditedModel):
    """A request an outside system posted: the case it became, its token, and what the case has no
    field for (the media URL, the client's account id)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="open311_request")
    key = models.ForeignKey(Open311Key, on_delete=models.PROTECT, related_name="requests")
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    account_id = models.CharField(_("account id at the client"), max_length=64, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    grid_path = "case__grid"

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.token} → {self.case_id}"
