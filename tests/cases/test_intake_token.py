"""Intake's bearer token checked by its one write (gridgov.accounts.kept): one statement per intake
on PostgreSQL, and still no case from a token or account that is no longer good — whatever changed it.

On SQLite intake has no such write: the route does not opt in and every call looks its token up.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.accounts import kept
from gridgov.accounts.models import ApiToken, User
from gridgov.accounts.roles import Role
from gridgov.cases.models import Case, CaseEvent, Reporter
from gridgov.core.models import AuditEntry
from tests.cases import factories as f
from tests.factories import Personas

POSTGRES = connection.vendor == "postgresql"
REPORT = {"category": "0101", "title": "帮忙搬自行车", "lng": 121.365, "lat": 28.365}


def _counts() -> list[int]:
    return [m.objects.count() for m in (Case, Reporter, CaseEvent, AuditEntry)]


def _post(raw: str, data: dict[str, Any] | None = None) -> Any:
    body = json.dumps(data or REPORT, ensure_ascii=False)
    return Client().post(
        "/api/v1/cases", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


@pytest.fixture
def raw(personas: Personas) -> str:
    """A grid worker's token, after two intakes: looked up once, kept, and the intake path warm."""
    f.categories()
    _token, raw = ApiToken.issue(personas.worker, "phone app")
    for _n in range(2):
        assert _post(raw).status_code == 201
    return raw


def _refused(answer: Any, status: int = 401) -> None:
    assert answer.status_code == status, answer.content
    assert set(answer.json()["error"]) == {"code", "message", "fields"}


def test_a_kept_token_rides_on_the_write(raw: str, personas: Personas) -> None:
    if not POSTGRES:
        assert not kept.checks_in_write("POST", "/api/v1/cases")
        return
    assert kept.checks_in_write("POST", "/api/v1/cases")
    with CaptureQueriesContext(connection) as captured:
        answer = _post(raw)
    assert answer.status_code == 201, answer.content
    statements = [q["sql"] for q in captured.captured_queries]
    # No lookup of the token, no read of the stamp: the one write checks both. (Besides it here: the
    # map's version, which the tests ask on every locate, and the grid worker's scope.)
    tokens = [s for s in statements if "accounts_apitoken" in s]
    assert len(tokens) == 1 and tokens[0].startswith("WITH guard"), statements
    assert [s for s in statements if s.startswith("WITH")] == tokens
    assert not any("cases_referenceversion" in s for s in statements if s not in tokens), statements
    trail = AuditEntry.objects.filter(object_type="cases.case", object_id=str(answer.json()["id"]))
    assert trail.get().actor_id == personas.worker.pk


def test_a_token_revoked_after_it_was_kept_logs_nothing(raw: str) -> None:
    # Without the model's save: a row changed behind the process's back (another process, the admin).
    ApiToken.objects.filter(name="phone app").update(revoked_at=timezone.now())
    counts = _counts()
    _refused(_post(raw))
    # Bad input on a revoked token: still 401, not a judgement of the input.
    _refused(_post(raw, {**REPORT, "category": "9999"}))
    assert _counts() == counts


def test_an_expired_token_logs_nothing(raw: str) -> None:
    ApiToken.objects.filter(name="phone app").update(expires_at=timezone.now())
    counts = _counts()
    _refused(_post(raw))
    assert _counts() == counts


def test_a_disabled_account_logs_nothing(raw: str, personas: Personas) -> None:
    QuerySet.update(User.objects.filter(pk=personas.worker.pk), is_active=False)
    counts = _counts()
    _refused(_post(raw))
    assert _counts() == counts


def test_a_role_taken_away_is_refused(raw: str, personas: Personas) -> None:
    QuerySet.update(User.objects.filter(pk=personas.worker.pk), role=Role.LEADER)
    counts = _counts()
    _refused(_post(raw), 403)
    assert _counts() == counts


def test_a_changed_superuser_flag_is_stored_once_on_the_account_as_it_is(
    raw: str, personas: Personas
) -> None:
    # Not a column the reference stamp follows: the write's own check of the account finds it.
    QuerySet.update(User.objects.filter(pk=personas.worker.pk), is_superuser=True)
    counts = _counts()
    with CaptureQueriesContext(connection) as captured:
        answer = _post(raw)
    assert answer.status_code == 201, answer.content
    assert _counts()[:3] == [n + 1 for n in counts[:3]]
    if POSTGRES:  # the guarded write that stored nothing, the lookup, the write that stored
        writes = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("WITH")]
        assert len(writes) == 2 and writes[0].startswith("WITH guard")


def test_other_routes_look_the_token_up_every_time(raw: str) -> None:
    ApiToken.objects.filter(name="phone app").update(revoked_at=timezone.now())
    answer = Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}")
    _refused(answer)
