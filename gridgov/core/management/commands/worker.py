"""`gridgov worker`: the background worker — clocked jobs here, queued tasks in a db_worker child."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from gridgov.core import context
from gridgov.core.periodic import JOBS

log = logging.getLogger("gridgov.worker")


class Command(BaseCommand):
    help = "Run the background worker (clocked jobs and queued tasks) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run every clocked job once and exit")
        parser.add_argument("--no-queue", action="store_true", help="do not start the queued-task child")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self._run_due({}, force=True)
            return
        running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        child = None
        if not options["no_queue"]:
            child = subprocess.Popen([sys.executable, "-m", "gridgov.cli", "db_worker", "--interval", "1"])
        last_run: dict[str, float] = {}
        self.stdout.write("gridgov worker running")
        try:
            while running:
                self._run_due(last_run)
                time.sleep(0.2)
        finally:
            if child is not None:
                child.terminate()
                child.wait(timeout=30)

    def _run_due(self, last_run: dict[str, float], force: bool = False) -> None:
        now = time.monotonic()
        for job in JOBS:
            if not force and now - last_run.get(job.name, 0.0) < job.every_seconds:
                continue
            last_run[job.name] = now
            close_old_connections()
            with context.acting_as_system("worker", f"worker:{job.name}"):
                try:
                    job.run()
                except Exception:  # one failing job must not stop the others; it is logged and retried
                    log.exception("job %s failed", job.name)
