"""`gridgov serve`: gunicorn with several workers, static files by WhiteNoise, optionally the worker."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from gridgov.core.checks import production_problems


class Command(BaseCommand):
    help = "Serve gridgov with gunicorn (production-grade), optionally with the background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("GRIDGOV_WEB_WORKERS", "3")))
        parser.add_argument("--with-worker", action="store_true", help="also run `gridgov worker`")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and (problems := production_problems()):
            raise CommandError("refusing a production start: " + "; ".join(problems))
        if settings.GRIDGOV_ENV in {"production", "demo"}:
            call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if options["with_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "gridgov.cli", "worker"])
        from gunicorn.app.base import BaseApplication

        from gridgov.wsgi import application

        class Gunicorn(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                self.cfg.set("bind", f"{options['host']}:{options['port']}")
                self.cfg.set("workers", options["workers"])
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("threads", 4)
                self.cfg.set("timeout", 60)
                self.cfg.set("accesslog", "-")
                # The path without its query string: searches may carry names or phone numbers.
                self.cfg.set("access_log_format", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss')
                self.cfg.set("proc_name", "gridgov")
                # One shared control socket per user would clash between several gridgov servers.
                self.cfg.set("control_socket_disable", True)

            def load(self) -> Any:
                return application

        connections.close_all()  # the workers are forked: none may inherit the master's connection
        self.stdout.write(
            f"gridgov at http://{options['host']}:{options['port']}/ ({options['workers']} workers)"
        )
        try:
            Gunicorn().run()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
