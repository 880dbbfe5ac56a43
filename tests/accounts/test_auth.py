"""Log-in, lock-out, idle timeout, password policy, Argon2 and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import ApiToken
from gridgov.core.models import AuditEntry
from tests.factories import PASSWORD, Personas


def login(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_logout_are_on_the_trail(personas: Personas) -> None:
    client = Client()
    assert login(client, "chenhuiling", PASSWORD).status_code == 302
    assert client.get("/map/").status_code == 200
    client.post("/accounts/logout/")
    actions = list(AuditEntry.objects.filter(object_repr="chenhuiling").values_list("action", flat=True))
    assert "login" in actions and "logout" in actions


def test_pages_need_a_login(personas: Personas) -> None:
    response = Client().get("/map/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_five_failures_lock_the_account(personas: Personas) -> None:
    client = Client()
    for _ in range(4):
        assert login(client, "wengdi", "wrong-Pass-1").status_code == 200
    assert login(client, "wengdi", "wrong-Pass-1").status_code == 429
    # Locked: even the right password is refused now.
    response = login(client, "wengdi", PASSWORD)
    assert response.status_code == 429
    assert "locked" in response.content.decode().lower() or "锁定" in response.content.decode()
    assert AuditEntry.objects.filter(action="login_failed", object_repr="wengdi").count() >= 5
    # Other accounts are not affected.
    assert login(Client(), "chenhuiling", PASSWORD).status_code == 302


def test_idle_sessions_end_after_thirty_minutes(settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST


@pytest.mark.parametrize("password", ["short1A", "alllowercase", "lowercase123", "NOLOWER123"])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_three_classes_of_eight_characters_pass() -> None:
    validate_password("Grid-work8")


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(settings: Any) -> None:
    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    assert make_password("Grid-work8").startswith("argon2$argon2id$")


def test_bearer_token_authenticates_the_api(personas: Personas) -> None:
    _token, raw = ApiToken.issue(personas.officer, "script")
    client = Client()
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["username"] == "linhuibing"
    assert not ApiToken.objects.filter(key_digest=raw).exists()  # only the digest is stored


@pytest.mark.parametrize("mutate", ["revoke", "expire", "garbage", "disable"])
def test_unusable_tokens_are_refused(personas: Personas, mutate: str) -> None:
    token, raw = ApiToken.issue(personas.officer)
    if mutate == "revoke":
        token.revoked_at = timezone.now()
        token.save()
    elif mutate == "expire":
        token.expires_at = timezone.now() - dt.timedelta(seconds=1)
        token.save()
    elif mutate == "garbage":
        raw += "x"
    else:
        personas.officer.is_active = False
        personas.officer.save()
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"


def test_token_command_creates_lists_and_revokes(personas: Personas, capsys: Any) -> None:
    call_command("token", "create", "linhuibing", "--name", "110 bridge")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("ggv_")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    call_command("token", "list", "linhuibing")
    assert "active" in capsys.readouterr().out
    call_command("token", "revoke", raw[:10])
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    with pytest.raises(CommandError, match="no account"):
        call_command("token", "create", "nobody")
