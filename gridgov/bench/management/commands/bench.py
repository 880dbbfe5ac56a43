"""`gridgov bench [locate|api|memory|registry|mediation|import|cases …]`: figures beside baselines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from gridgov.bench.runner import run

PARTS = ["locate", "api", "memory"]
# Run only when named: `registry` first generates a city of 1.4 million residents, `cases` ten
# million cases on PostgreSQL (minutes each).
ON_REQUEST = ["registry", "mediation", "import", "cases"]


class Command(BaseCommand):
    help = "Run the benchmarks on scratch databases and print figures beside their baselines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("parts", nargs="*", choices=[*PARTS, *ON_REQUEST, []], default=[])
        parser.add_argument(
            "--database-url",
            default=None,
            help="run the server benchmarks on this (empty, scratch) database; default SQLite",
        )
        parser.add_argument("--points", type=int, default=200_000)
        parser.add_argument("--requests", type=int, default=2_000)
        parser.add_argument(
            "--queries", type=int, default=200, help="registry: lookups per kind of search (default 200)"
        )
        parser.add_argument(
            "--import-rows",
            type=int,
            default=20_000,
            help="import, registry: rows of the import throughput workbook",
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=None,
            help="cases: synthetic cases for the figures (default 10,000,000 on PostgreSQL, "
            "1,000,000 on SQLite; 0 skips the figures)",
        )
        parser.add_argument(
            "--intake-seconds",
            type=float,
            default=20.0,
            help="cases: seconds of load for the intake and each baseline (default 20; 0 skips intake)",
        )
        parser.add_argument(
            "--city-url",
            default=None,
            help="registry: measure on this database, where `gridgov demo --scale city` already ran, "
            "instead of generating a city (sqlite:///path or postgres://…; it gets written to)",
        )
        parser.add_argument("--output", type=Path, default=None, help="write the figures as JSON here")

    def handle(self, *args: Any, **options: Any) -> None:
        parts = options["parts"] or PARTS
        report = run(
            parts,
            options["database_url"],
            options["points"],
            options["requests"],
            self.stdout.write,
            queries=options["queries"],
            import_rows=options["import_rows"],
            cases=options["cases"],
            intake_seconds=options["intake_seconds"],
            city_url=options["city_url"],
        )
        output = options["output"] or Path(settings.VAR_DIR) / "bench" / "latest.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        self.stdout.write(f"figures saved to {output}")
