"""Telling people: in-app notifications and outgoing webhooks (DingTalk and WeCom robots)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.cases.models.case import Case


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=30)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message


class WebhookEndpoint(models.Model):
    class Format(models.TextChoices):
        DINGTALK = "dingtalk", _("DingTalk robot")
        WECOM = "wecom", _("WeCom robot")

    name = models.CharField(_("name"), max_length=60)
    url = models.URLField(_("URL"), max_length=500)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    secret = models.CharField(_("signing secret (DingTalk)"), max_length=100, blank=True)
    kinds = models.CharField(
        _("events"),
        max_length=200,
        default="escalated",
        help_text=_("Comma-separated: escalated, dispatched, overdue, …"),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("gave up")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["next_attempt_at"]

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.status}"
