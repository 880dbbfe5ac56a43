"""Baseline endpoints for the intake benchmark, served by the same server as the real API.

`GET|POST /bench/json` answers a constant JSON body: the floor of a request through gridgov's
middleware. `POST /bench/commit` also commits one row to the same database: the floor of a durable
write. Mounted only when GRIDGOV_BENCH_ENDPOINTS is set (benchmarks' scratch servers), never in a
normal deployment. The table is a benchmark scratch table, written with plain SQL and no audit trail.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

TABLE = "bench_commit"


def ensure_table(db: Any = connection) -> None:
    key = "BIGSERIAL PRIMARY KEY" if db.vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    with db.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id {key}, at TIMESTAMP NOT NULL, body TEXT NOT NULL)"
        )


@csrf_exempt  # an anonymous benchmark request has neither session nor CSRF cookie
def bare_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


@csrf_exempt
def commit_one(request: HttpRequest) -> JsonResponse:
    body = request.body.decode("utf-8", "replace")[:1000]
    json.loads(body or "{}")  # parsed like any API body, so the baseline pays for it too
    with connection.cursor() as cursor:  # autocommit: the INSERT is its own transaction
        cursor.execute(f"INSERT INTO {TABLE} (at, body) VALUES (%s, %s)", [timezone.now(), body])  # noqa: S608
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [
    path("json", bare_json, name="bench-json"),
    path("commit", commit_one, name="bench-commit"),
]
