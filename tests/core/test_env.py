"""Settings come only from the environment, and a bad value stops the start with its name."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.env import EnvError, env_bool, env_choice, env_int, env_list, env_str


def test_values_are_parsed_by_type() -> None:
    environ = {"A": "yes", "B": " 42 ", "C": "a.example, b.example,", "D": "x"}
    assert env_bool("A", False, environ) is True
    assert env_int("B", 0, environ) == 42
    assert env_list("C", [], environ) == ["a.example", "b.example"]
    assert env_str("D", "y", environ) == "x" and env_str("MISSING", "y", environ) == "y"
    assert env_choice("D", "x", ("x", "z"), environ) == "x"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: env_bool("DEBUG", False, e), "DEBUG='maybe'"),
        (lambda e: env_int("PORT", 1, e), "PORT='eighty'"),
        (lambda e: env_int("N", 1, e, minimum=200), "must be at least 200"),
        (lambda e: env_choice("TIME", "a", ("a", "b"), e), "expected one of a, b"),
    ],
)
def test_bad_values_fail_loudly_with_their_name(call: Any, message: str) -> None:
    environ = {"DEBUG": "maybe", "PORT": "eighty", "N": "5", "TIME": "c"}
    with pytest.raises(EnvError, match=message):
        call(environ)


def test_defaults_for_china(settings: Any) -> None:
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.django_db
def test_healthz_reports_the_database() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Any) -> None:
    import subprocess
    import sys

    from gridgov.bench.server import Scratch, free_port

    # A real failure: a PostgreSQL address where nothing listens.
    env = Scratch(tmp_path, f"postgres://postgres@127.0.0.1:{free_port()}/nothing").env(GRIDGOV_ENV="test")
    code = (
        "from django.test import Client; r = Client().get('/healthz'); "
        "print(r.status_code, r.content.decode())"
    )
    done = subprocess.run(
        [sys.executable, "-m", "gridgov.cli", "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = done.stdout.strip().split(" ", 1)
    assert status == "503" and '"database": "error"' in body
