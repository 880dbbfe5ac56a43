"""`gridgov demo [--scale wenling|city|province]`: load the deterministic demo (again: it updates)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.demo.loader import DemoError, load


class Command(BaseCommand):
    help = "Load the Wenling demo (map and staff), or a larger generated map for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["wenling", "city", "province"], default="wenling")
        parser.add_argument(
            "--residents",
            type=int,
            default=None,
            help="with --scale city: how many residents to generate (default 1,400,000, Wenling's size; "
            "0 for the map only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        started = time.perf_counter()
        if scale == "wenling":
            from gridgov.demo.wenling import wenling_map

            spec = wenling_map()
        else:
            from gridgov.demo.scale import scaled_map

            spec = scaled_map(scale)

        def progress(step: str) -> None:
            self.stdout.write(f"  loading {step} … ({time.perf_counter() - started:.1f} s)")

        password = settings.GRIDGOV_DEMO_PASSWORD
        try:
            summary = load(spec, password, progress, with_staff=scale == "wenling")
        except DemoError as error:
            raise CommandError(str(error)) from None
        residents = summary.residents
        if scale == "city":
            residents = self._city_registry(options["residents"], progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"demo loaded in {time.perf_counter() - started:.1f} s: {summary.grids} grids, "
                f"{summary.villages} villages/communities, {summary.police_zones} police zones, "
                f"{summary.accounts} accounts, {residents:,} residents added"
            )
        )
        if scale == "wenling":
            self._print_logins(password)

    def _city_registry(self, total: int | None, progress: Any) -> int:
        from gridgov.demo.registry import CITY_RESIDENTS, load_city_registry

        total = CITY_RESIDENTS if total is None else total
        if total <= 0:
            return 0
        # Each batch of grids commits on its own: an interrupted load resumes where it stopped.
        try:
            return load_city_registry(total, progress).residents
        except ValueError as error:
            raise CommandError(f"--residents: {error}") from None

    def _print_logins(self, password: str) -> None:
        rows = [
            ("admin", "管理员 administrator"),
            ("taiping_zhihui", "指挥中心 command-centre operator (太平街道)"),
            ("taiping_lingdao", "街道领导 sub-district leader (太平街道)"),
            ("sunmeiling", "街道领导 sub-district leader (城西街道)"),
            ("chenhuiling", "网格员 grid worker 陈慧玲 (东辉社区)"),
            ("wangzhe", "网格员 grid worker 王哲 (肖泉村)"),
            ("wengdi", "网格员 grid worker 翁迪 (西园社区)"),
            ("linhuibing", "社区民警 police officer 林会兵"),
            ("zhuguifei", "村干部 village cadre 朱贵飞 (渭川村)"),
            ("chengxi_tiaojie", "调解员 mediator (城西街道)"),
            ("taiping_xiaofang", "部门 department officer (fire, 太平街道)"),
        ]
        self.stdout.write(
            f"\nDemo log-ins (password for all: {password} — set GRIDGOV_DEMO_PASSWORD to change):"
        )
        for username, who in rows:
            self.stdout.write(f"  {username:<18} {who}")
