"""Run gridgov in child processes for benchmarks: a scratch database, `gridgov serve`, HTTP timing."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Scratch:
    """A database of its own for a benchmark, so measuring never touches the user's data."""

    var_dir: Path
    database_url: str

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            GRIDGOV_ENV="demo",
            GRIDGOV_VAR_DIR=str(self.var_dir),
            DATABASE_URL=self.database_url,
            DEBUG="false",
            LOG_LEVEL="WARNING",
        )
        env.update(extra)
        return env

    def gridgov(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "gridgov.cli", *args],
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout


def prepare(var_dir: Path, database_url: str | None, scale: str) -> Scratch:
    var_dir.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{var_dir / 'bench.sqlite3'}"
    scratch = Scratch(var_dir, url)
    scratch.gridgov("migrate", "--noinput", "-v0")
    scratch.gridgov("demo", "--scale", scale)
    return scratch


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(p) for p in text]
    return found


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system, all threads) a live process has used; 0 for one that is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (FileNotFoundError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuMeter:
    """CPU used while serving, per request, by the server's workers, the database's backends serving
    it (PostgreSQL; SQLite's work is inside the workers) and this process, the load generator. On a
    machine whose cores are all busy, what a request costs in CPU is what limits the requests a
    second, and it is far steadier than the rate when other work shares the machine."""

    server: Server
    database_url: str | None

    def read(self) -> dict[str, float]:
        times = os.times()
        return {
            "server": sum(cpu_seconds(p) for p in self.server.worker_pids()),
            "database": sum(cpu_seconds(p) for p in self._backends()),
            "load": times.user + times.system,
        }

    def per_request(self, before: dict[str, float], requests: int) -> dict[str, float]:
        after = self.read()
        return {k: (after[k] - before[k]) * 1000 / max(requests, 1) for k in before}

    def _backends(self) -> list[int]:
        if not self.database_url or not self.database_url.startswith("postgres"):
            return []
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            mine = "datname = current_database() AND pid <> pg_backend_pid()"
            rows = conn.execute(f"SELECT pid FROM pg_stat_activity WHERE {mine}").fetchall()  # noqa: S608
        return [int(r[0]) for r in rows]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)


@contextmanager
def serving(scratch: Scratch, workers: int = 1) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gridgov.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=scratch.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(process, port)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = server.connection()
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200 and len(server.worker_pids()) >= workers:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gridgov serve did not start")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def timed_gets(conn: http.client.HTTPConnection, paths: list[str], headers: dict[str, str]) -> list[float]:
    """Sequential requests on one keep-alive connection; returns each round trip in milliseconds."""
    times = []
    for path in paths:
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - started) * 1000)
        if response.status >= 500:
            raise RuntimeError(f"{path}: {response.status} {json.loads(body or b'{}')}")
    return times


@contextmanager
def own_database(database_url: str | None, suffix: str) -> Iterator[str | None]:
    """A PostgreSQL database of its own beside the given one (dropped after); SQLite needs none."""
    if not database_url:
        yield None
        return
    import psycopg

    base, name = database_url.rsplit("/", 1)
    other = f"{name.split('?')[0]}_{suffix}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{other}"')
        admin.execute(f'CREATE DATABASE "{other}"')
    try:
        yield f"{base}/{other}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{other}"')
