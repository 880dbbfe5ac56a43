"""`gridgov open311-key create|list|revoke`: printed once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from gridgov.open311.models import Open311Key
from tests.factories import Personas
from tests.open311.conftest import post, report


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("open311_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_list_revoke(setup: Personas, client: Client) -> None:
    out, err = run("create", "wenling-12345")
    raw = out.strip()
    assert raw.startswith("o311_") and len(raw) > 40 and "only once" in err
    key = Open311Key.objects.get()
    assert key.key_digest == hashlib.sha256(raw.encode()).hexdigest() and key.key_hint == raw[:12]
    assert not Open311Key.objects.filter(key_digest=raw).exists()
    assert post(client, report(raw)).status_code == 200
    listing, _err = run("list")
    assert f"{raw[:12]}…  active   wenling-12345" in listing and "requests 1" in listing
    assert raw not in listing
    with pytest.raises(CommandError, match="exists"):
        run("create", "wenling-12345")
    with pytest.raises(CommandError, match="at least"):
        run("revoke", "o311")
    revoked, _err = run("revoke", raw[:12] + "…")
    assert "revoked" in revoked and "wenling-12345" in revoked
    assert post(client, report(raw)).status_code == 403
    assert "revoked" in run("list")[0]
    with pytest.raises(CommandError, match="0 active keys"):
        run("revoke", raw[:12])


def test_the_command_line_takes_dashes() -> None:
    # Run as an operator would; --help touches no database.
    gridgov = Path(sys.executable).with_name("gridgov")
    done = subprocess.run(
        [str(gridgov), "open311-key", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GRIDGOV_ENV": "test"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "{create,list,revoke}" in done.stdout
