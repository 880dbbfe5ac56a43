"""`gridgov serve` as a user runs it: gunicorn workers, static files by WhiteNoise, the background worker."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridgov.bench import server as srv


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> srv.Scratch:
    return srv.prepare(tmp_path_factory.mktemp("serve"), None, "wenling")


def get(server: srv.Server, path: str) -> tuple[int, bytes, dict[str, str]]:
    conn = server.connection()
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read(), dict(response.getheaders())


def test_serve_answers_health_pages_and_static_files(scratch: srv.Scratch) -> None:
    with srv.serving(scratch, workers=2) as server:
        assert len(server.worker_pids()) == 2
        status, body, _ = get(server, "/healthz")
        assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
        status, body, _ = get(server, "/accounts/login/")
        assert status == 200 and "登录".encode() in body
        css = re.search(rb'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]+\.css)"', body)
        assert css, "static files get hashed names in a production-style start"
        status, _, headers = get(server, css.group(1).decode())
        assert status == 200 and "max-age" in headers.get("Cache-Control", "")


def test_the_worker_seals_the_audit_trail(scratch: srv.Scratch) -> None:
    scratch.gridgov("token", "create", "admin")  # a write: one unsealed audit entry
    worker = subprocess.Popen(
        [sys.executable, "-m", "gridgov.cli", "worker", "--no-queue"],
        env=scratch.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            out = scratch.gridgov(
                "shell",
                "--no-imports",
                "-c",
                "from gridgov.core.models import AuditEntry;"
                "print(AuditEntry.objects.filter(seq__isnull=True).count())",
            )
            if out.strip() == "0":
                break
            time.sleep(0.5)
        assert out.strip() == "0"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert "intact" in scratch.gridgov("audit", "verify")


def test_a_production_start_refuses_debug_and_demo_secrets(tmp_path: Path) -> None:
    env = srv.Scratch(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}").env(
        GRIDGOV_ENV="production", DEBUG="true", ALLOWED_HOSTS="gridgov.example"
    )
    done = subprocess.run(
        [sys.executable, "-m", "gridgov.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "DEBUG is on" in done.stderr and "SECRET_KEY is missing" in done.stderr


def test_a_production_start_refuses_the_demo_keys(tmp_path: Path) -> None:
    from django.conf import settings

    env = srv.Scratch(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}").env(
        GRIDGOV_ENV="production",
        SECRET_KEY=settings.DEMO_SECRET_KEY,
        GRIDGOV_DATA_KEY=settings.DEMO_DATA_KEY,
        ALLOWED_HOSTS="gridgov.example",
    )
    done = subprocess.run(
        [sys.executable, "-m", "gridgov.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "demo key" in done.stderr and "DEBUG" not in done.stderr


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    env = srv.Scratch(tmp_path, "mysql://nowhere/db").env(GRIDGOV_ENV="test")
    done = subprocess.run(
        [sys.executable, "-m", "gridgov.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "DATABASE_URL" in done.stderr and "Traceback" not in done.stderr
