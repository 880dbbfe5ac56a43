"""A query compiled once (gridgov.core.compiled) answers what its queryset answers, with any values;
a statement prepared once (gridgov.core.prepared) is still seen where Django records queries."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.accounts.models import ApiToken
from gridgov.accounts.models.tokens import digest
from gridgov.core import prepared
from gridgov.core.compiled import Compiled
from tests.factories import Personas

BY_DIGEST = Compiled(lambda key: ApiToken.objects.select_related("user").filter(key_digest=key), ["\x00p"])


def _same(a: ApiToken, b: ApiToken) -> None:
    for f in ApiToken._meta.concrete_fields:
        assert getattr(a, f.attname) == getattr(b, f.attname), f.name
    for f in a.user._meta.concrete_fields:
        assert getattr(a.user, f.attname) == getattr(b.user, f.attname), f.name


def test_instances_match_the_querysets_for_any_value(personas: Personas) -> None:
    officer, _ = ApiToken.issue(personas.officer, "one")
    worker, raw = ApiToken.issue(personas.worker, "two")
    ApiToken.objects.filter(pk=worker.pk).update(expires_at=timezone.now() + dt.timedelta(days=3))
    for token in (officer, ApiToken.objects.get(pk=worker.pk)):
        [found] = BY_DIGEST.instances(token.key_digest)
        with CaptureQueriesContext(connection) as later:
            expected = ApiToken.objects.select_related("user").get(pk=token.pk)
            _same(found, expected)  # the user came with the token: no query of its own
        assert len(later) == 1
        assert found.created_at.tzinfo is not None and found.user.date_joined.tzinfo is not None
        assert found.user.username == expected.user.username
        assert not found._state.adding and found._state.db == "default"
    assert BY_DIGEST.instances(digest(raw + "x")) == []


def test_a_probe_that_cannot_be_placed_falls_back_to_the_queryset(personas: Personas) -> None:
    token, _ = ApiToken.issue(personas.officer, "same")
    # Two inputs with the same probe: a parameter equal to both cannot be put back in its place.
    twins = Compiled(lambda a, b: ApiToken.objects.filter(name=a, key_hint=b), ["\x00p", "\x00p"])
    # An input the query never uses: nothing tells where it would go.
    unused = Compiled(lambda _v: ApiToken.objects.filter(name="same"), ["\x00p"])
    assert [t.pk for t in twins.instances("same", token.key_hint)] == [token.pk]
    assert twins.instances("same", "other") == []
    assert [t.pk for t in unused.instances("anything")] == [token.pk]
    assert twins._form("default").places is None and unused._form("default").places is None
    # One input used twice is placed twice.
    twice = Compiled(lambda v: ApiToken.objects.filter(name=v, key_hint__gte=v), ["\x00p"])
    assert twice.instances("same") == []  # "ggv_…" sorts before "same"
    ApiToken.objects.filter(pk=token.pk).update(key_hint="zzz")
    assert [t.pk for t in twice.instances("same")] == [token.pk]
    assert twice._form("default").places == [(0, None), (0, None)]


def test_prepared_statements_are_recorded_without_their_values(personas: Personas) -> None:
    token, raw = ApiToken.issue(personas.officer, "seen")
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):  # prepared on the first run, reused after
            assert [t.pk for t in BY_DIGEST.instances(digest(raw))] == [token.pk]
        assert prepared.fetch(connection, "SELECT 1 WHERE 1 = 0") == []
    sqls = [q["sql"] for q in captured.captured_queries]
    assert len(sqls) == 4 and all("accounts_apitoken" in s for s in sqls[:3])
    if connection.vendor == "postgresql":
        assert not any(digest(raw) in s for s in sqls)  # a parameter, not text
