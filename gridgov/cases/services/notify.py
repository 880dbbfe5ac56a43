"""In-app notifications and outgoing webhooks in the DingTalk and WeCom robot formats.

Webhook deliveries are rows written in the same transaction as what they announce; the worker sends
them, retrying with back-off, so a slow or broken robot never holds up a case.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from gridgov.cases.models import Case, Notification, WebhookDelivery, WebhookEndpoint
from gridgov.core.models.insert import made

log = logging.getLogger("gridgov.webhooks")
BACKOFF_SECONDS = [60, 300, 1800, 7200, 43200]  # then give up
TIMEOUT_SECONDS = 10


def notify(
    user_ids: Iterable[int],
    case: Case | None,
    kind: str,
    message: str,
    endpoints: Iterable[WebhookEndpoint] | None = None,
) -> None:
    """`endpoints`: the active endpoints, when the caller has them already (intake's cache)."""
    notifications, deliveries = notices(user_ids, case, kind, message, endpoints)
    Notification.objects.bulk_create(notifications)
    WebhookDelivery.objects.bulk_create(deliveries)


def notices(
    user_ids: Iterable[int],
    case: Case | None,
    kind: str,
    message: str,
    endpoints: Iterable[WebhookEndpoint] | None = None,
) -> tuple[list[Notification], list[WebhookDelivery]]:
    """The rows notify() writes, unsaved: for a caller that stores them in a statement of its own."""
    make = made(Notification)
    notifications = [make(user_id=uid, case=case, kind=kind, message=message[:300]) for uid in set(user_ids)]
    if endpoints is None:
        endpoints = WebhookEndpoint.objects.filter(active=True)
    endpoints = [e for e in endpoints if kind in {k.strip() for k in e.kinds.split(",")}]
    now = timezone.now()
    deliveries = [
        WebhookDelivery(endpoint=e, payload=payload(e.format, kind, message, case), next_attempt_at=now)
        for e in endpoints
    ]
    return notifications, deliveries


def payload(fmt: str, kind: str, message: str, case: Case | None) -> dict[str, Any]:
    title = f"gridgov · {kind}"
    text = f"### {title}\n\n{message}"
    if case is not None:
        # The time where the robot's readers are (the deployment's zone), as the number's date is.
        at = timezone.localtime(case.reported_at)
        text += f"\n\n- {case.category.name}\n- {case.grid.name}\n- {at:%Y-%m-%d %H:%M}"
    if fmt == WebhookEndpoint.Format.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def signed_url(endpoint: WebhookEndpoint, now_ms: int | None = None) -> str:
    """DingTalk robots with a secret want timestamp and sign (HMAC-SHA256 of "timestamp\\nsecret")."""
    if endpoint.format != WebhookEndpoint.Format.DINGTALK or not endpoint.secret:
        return endpoint.url
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(endpoint.secret.encode(), f"{timestamp}\n{endpoint.secret}".encode(), hashlib.sha256)
    sign = urllib.parse.quote_plus(base64.b64encode(digest.digest()).decode())
    separator = "&" if "?" in endpoint.url else "?"
    return f"{endpoint.url}{separator}timestamp={timestamp}&sign={sign}"


def _send(delivery: WebhookDelivery) -> None:
    body = json.dumps(delivery.payload, ensure_ascii=False).encode()
    url = signed_url(delivery.endpoint)
    if not url.startswith(("https://", "http://")):
        raise ValueError("a webhook URL must be http or https")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        answer = json.loads(response.read() or b"{}")
    # Both robots answer 200 with {"errcode": 0} on success and a non-zero errcode otherwise.
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(
            f"robot answered errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:300]
        )


def deliver_due(limit: int = 50) -> int:
    """Send the deliveries that are due; returns how many were attempted."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)[:limit]
        )
        # Claim them for a minute, so another worker does not send them at the same time.
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in due]).update(
            next_attempt_at=now + dt.timedelta(seconds=60)
        )
    for delivery in due:
        try:
            _send(delivery)
        except Exception as error:  # any failure is retried later; the reason is kept on the row
            delivery.attempts += 1
            delivery.last_error = f"{type(error).__name__}: {error}"[:300]
            if delivery.attempts > len(BACKOFF_SECONDS):
                delivery.status = WebhookDelivery.Status.FAILED
                log.warning("webhook %s: gave up after %d attempts", delivery.endpoint_id, delivery.attempts)
            else:
                delivery.next_attempt_at = timezone.now() + dt.timedelta(
                    seconds=BACKOFF_SECONDS[delivery.attempts - 1]
                )
        else:
            delivery.attempts += 1
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.last_error = ""
        delivery.save()
    return len(due)
