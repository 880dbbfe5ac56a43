"""In-app notifications: the bell's unread count and the list, which marks what it shows as read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from gridgov.cases.models import Notification
from gridgov.cases.views import common

SHOWN = 100


@login_required
def unread(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.filter(user=common.me(request), read_at=None).count()
    response = JsonResponse({"unread": count})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    # Notifications belong to one account: no place-based scope, the owner alone reads them.
    mine = Notification.objects.filter(user=common.me(request)).select_related("case")
    shown = list(mine[:SHOWN])
    fresh = [n.pk for n in shown if n.read_at is None]
    if fresh:
        Notification.objects.filter(pk__in=fresh).update(read_at=timezone.now())
    context = {"notifications": shown, "fresh": set(fresh)}
    return common.no_store(render(request, "cases/notifications.html", context))
