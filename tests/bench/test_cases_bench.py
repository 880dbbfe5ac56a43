"""The pieces of `gridgov bench cases` at small scale: synthetic cases roll up to the naive figures,
the load generator counts what it sent, and the baseline endpoints answer and commit."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from gridgov.bench import cases_bench, intake_server
from gridgov.bench import server as srv
from gridgov.cases.figures import query, rollup, synthetic
from gridgov.cases.figures.query import LEVELS, Selection
from gridgov.cases.models import Case, CaseEvent, Escalation
from gridgov.cases.models.rollups import RollupDirty
from gridgov.geo.models import Grid
from tests.cases import factories as f
from tests.factories import Personas


def test_synthetic_cases_roll_up_to_the_naive_figures(personas: Personas) -> None:
    f.categories()
    seconds, reused = synthetic.generate(3000, days=60)
    assert not reused and seconds > 0
    assert Case.objects.filter(title=synthetic.TITLE).count() == 3000
    assert Case.objects.filter(state="closed", closed_at__isnull=False).count() > 2000
    assert Escalation.objects.exists() and CaseEvent.objects.filter(action="rework").exists()
    assert not RollupDirty.objects.exists()  # the triggers were lifted while inserting …
    assert synthetic.generate(3000, days=60) == (0.0, True)  # … and a second run reuses the cases
    rollup.rebuild()
    today = timezone.localdate()
    for start, end in (
        (today - dt.timedelta(days=61), today + dt.timedelta(days=1)),
        (today.replace(day=1), today),
    ):
        selection = Selection(Grid.objects.filter(village__code="331081001001"), start, end)
        for level in LEVELS:
            fast = {k: v.as_dict() for k, v in query.figures(selection, level).items()}
            assert fast == {k: v.as_dict() for k, v in query.naive_figures(selection, level).items()}, level
    Case.objects.filter(pk=Case.objects.first().pk).update(rating=5)  # type: ignore[union-attr]
    assert RollupDirty.objects.count() == 1  # … and put back afterwards (inside a caller's transaction too)


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the generator expects

    def do_GET(self) -> None:
        body = b'{"ok": true}'
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_the_load_generator_stops_at_its_count_and_counts_errors(local_server: int) -> None:
    done = cases_bench.load(local_server, "GET", [("/", None)], {}, threads=3, seconds=30, limit=60)
    assert (done["requests"], done["errors"]) == (60, 0) and done["per_s"] > 0
    done = cases_bench.load(local_server, "GET", [("/missing", None)], {}, threads=2, seconds=30, limit=4)
    assert done["errors"] == 4 and done["first_error"].startswith("404")


def test_slices_of_a_phase_combine_and_go_on_where_the_last_stopped(local_server: int) -> None:
    items = [("/", None), ("/missing", None)]
    # Client k of a slice sends item start + k first: a slice started at 1 sends the 404 first.
    first = cases_bench.load(local_server, "GET", items, {}, threads=1, seconds=30, limit=1, start=1)
    second = cases_bench.load(local_server, "GET", items, {}, threads=1, seconds=30, limit=3, start=2)
    assert (first["errors"], second["errors"]) == (1, 1)
    combined = cases_bench._combined([first, second])
    assert combined["requests"] == 4 and combined["errors"] == 2 and combined["slices"] == 2
    assert combined["first_error"].startswith("404") and "latencies_ms" not in combined
    assert combined["per_s"] == pytest.approx(4 / (first["wall_s"] + second["wall_s"]))


@pytest.mark.urls("gridgov.bench.intake_server")
@pytest.mark.django_db
def test_the_baseline_endpoints_answer_and_commit_one_row() -> None:
    intake_server.ensure_table()
    client = Client()
    assert client.get("/json").json() == {"ok": True}
    reply = client.post("/commit", json.dumps({"n": 1}), content_type="application/json")
    assert reply.status_code == 201
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {intake_server.TABLE}")
        assert cursor.fetchone()[0] == 1


def test_the_benchmark_server_mounts_the_baselines(tmp_path: Path) -> None:
    scratch = cases_bench.BenchScratch(tmp_path, "sqlite:///x")
    assert scratch.env()["GRIDGOV_BENCH_ENDPOINTS"] == "1"


def test_the_bench_command_wires_the_cases_part(tmp_path: Path) -> None:
    # Both halves skipped: what is checked is the wiring from the command to cases_bench and the JSON.
    output = tmp_path / "latest.json"
    call_command("bench", "cases", "--cases", "0", "--intake-seconds", "0", "--output", str(output))
    report = json.loads(output.read_text())
    assert report["cases"] == {} and report["database"] == "sqlite"


def test_the_cpu_meter_counts_a_process_tree_per_request() -> None:
    # A "server" whose one worker burns CPU: the meter finds it through the server's children.
    burn = (
        "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\ntime.sleep(30)"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}])"]
    )
    try:
        meter = srv.CpuMeter(srv.Server(parent, 0), None)
        before = meter.read()
        deadline = time.monotonic() + 20
        while meter.read()["server"] - before["server"] < 0.25 and time.monotonic() < deadline:
            time.sleep(0.05)
        spent = meter.per_request(before, 10)
        assert 25 <= spent["server"] <= 60  # 0.25–0.6 s over 10 requests, in ms each
        assert spent["database"] == 0  # SQLite: its work is inside the server
        assert spent["load"] >= 0
    finally:
        for child in srv.children(parent.pid):
            os.kill(child, signal.SIGTERM)
        parent.terminate()
        parent.wait(timeout=10)
    assert srv.cpu_seconds(parent.pid) == 0.0  # gone
