"""`gridgov import-map FILE.geojson`: all features or none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.core import context
from gridgov.geo.importer import MapFileError, import_map


class Command(BaseCommand):
    help = "Import sub-districts, villages, police zones and grids from a GeoJSON FeatureCollection."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path}: not a JSON file ({error})") from None
        with context.acting_as_system("cli", "cli:import-map"):
            try:
                report = import_map(data)
            except MapFileError as error:
                raise CommandError(f"{path}: {error}") from None
        if not report.ok:
            for failure in report.failures():
                for message in failure["errors"]:
                    self.stderr.write(
                        f"feature {failure['feature']} {failure['level']} {failure['code']}: {message}"
                    )
            raise CommandError(f"{len(report.failures())} features failed; nothing was imported")
        summary = ", ".join(
            f"{level}: {report.created[level]} new, {report.updated[level]} updated"
            for level in report.created
        )
        self.stdout.write(self.style.SUCCESS(f"imported {path.name} — {summary}"))
