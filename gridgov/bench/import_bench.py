"""Excel import throughput beside its ceiling: openpyxl's own read of the same file.

Reading a workbook with openpyxl in read-only mode is the floor of any streaming .xlsx import in
Python, so the import is judged by its ratio to that read: what validation (ID check digits, phones,
pinyin, scope, duplicates through blind indexes) and the audited writes cost on top of parsing.

`bench_import` runs in a child process on a scratch database of its own (SQLite in a temporary folder
unless a database URL is given), so measuring never touches the user's data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BUILDINGS = 100
FLOATING_EVERY = 10  # one resident in ten is floating, with a residence registration
GRID_CODE = "331081999001001"


def bench_import(n_rows: int, database_url: str | None = None) -> dict[str, Any]:
    """Write an n-row resident workbook, time openpyxl's raw read of it, a validation-only pass and the
    full validate+import; rows per second for each and their ratios to the raw read."""
    from gridgov.bench.server import Scratch

    with tempfile.TemporaryDirectory(prefix="gridgov-import-bench-") as tmp:
        work = Path(tmp)
        scratch = Scratch(work, database_url or f"sqlite:///{work / 'bench.sqlite3'}")
        scratch.gridgov("migrate", "--noinput", "-v0")
        done = subprocess.run(
            [sys.executable, "-m", "gridgov.bench.import_bench", str(n_rows), str(work)],
            env=scratch.env(),
            check=True,
            capture_output=True,
            text=True,
        )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["database"] = "postgresql" if database_url else "sqlite"
    return result


GOAL_ROWS_PER_S = 2_000  # validated and imported, end to end, in wall time


def bench_import_part(
    say: Callable[[str], None], database_url: str | None, rows: int = 20_000
) -> dict[str, Any]:
    """`gridgov bench import`: bench_import, said in one line per measure. Wall time is the figure
    judged (on PostgreSQL, CPU time leaves out the server's share of the writes, which the person
    importing waits for all the same); CPU time beside it says what the work costs on a shared
    machine. Each is given beside openpyxl's raw read of the same file, timed the same way."""
    from gridgov.bench.server import own_database

    # Its own database beside the given one: the workbook's fictional numbers could collide with data
    # already there (the registry part's city).
    with own_database(database_url, "import") as url:
        result = bench_import(rows, url)
    result["database"] = "postgresql" if database_url else "sqlite"
    for label, key, ratio in (
        ("validated only", "validated_rows_per_s", "validate_ratio"),
        ("validated + imported", "imported_rows_per_s", "ratio"),
    ):
        say(
            f"import, {result['rows']:,} resident rows, {result['database']}, {label}: "
            f"{result[key]:,} rows/s wall clock (openpyxl raw read {result['raw_rows_per_s']:,} rows/s, "
            f"ratio {result[ratio]:.2f}); CPU time {result[key + '_cpu']:,} rows/s "
            f"(raw read {result['raw_rows_per_s_cpu']:,}, ratio {result[ratio + '_cpu']:.2f})"
        )
    full = result["seconds"]["validate_and_import"]
    server = f" + {full['server_cpu']} s in the database server" if "server_cpu" in full else ""
    say(f"  validate + import: {full['wall']} s wall, CPU {full['cpu']} s in this process{server}")
    met = result["imported_rows_per_s"] >= GOAL_ROWS_PER_S
    result["meets_goal"], result["judged_on"] = met, "wall clock"
    say(f"import goal ≥ {GOAL_ROWS_PER_S:,} rows/s end to end, wall clock: {'meets' if met else 'MISSES'}")
    return result


def fictional_id(birth: dt.date, sequence: int) -> str:
    from gridgov.people.identity import check_char

    body = f"331081{birth:%Y%m%d}{sequence:03d}"
    return body + check_char(body)


def write_workbook(path: Path, n_rows: int, seed: int) -> None:
    """Residents of BUILDINGS buildings with valid, fictional numbers (a random birth-date start, so
    runs on one database do not collide)."""
    from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]

    from gridgov.bench.excel_like import share_strings
    from gridgov.people.excel.columns import RESIDENTS

    rng = random.Random(seed)
    start = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 20_000))
    # Not write-only: that mode leaves out the <dimension> element that Excel always writes, and without
    # it openpyxl parses each sheet once more just to size it, which would flatter nothing but the bench.
    wb = Workbook()
    ws: Any = wb.active  # a fresh workbook's one worksheet
    ws.title = RESIDENTS.title
    ws.append(RESIDENTS.headers)
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    for i in range(n_rows):
        birth = start + dt.timedelta(days=i // 1000)
        number = fictional_id(birth, i % 1000)
        floating = i % FLOATING_EVERY == 0
        row: dict[str, Any] = {
            "姓名": rng.choice(surnames) + rng.choice(given) + rng.choice(given),
            "证件类型": "居民身份证",
            "证件号码": number,
            "性别": "男" if int(number[16]) % 2 else "女",
            "出生日期": birth,
            "联系电话": f"138{i:08d}",
            "与户主关系": "户主" if i % 3 == 0 else "子女",
            "户籍/流动": "流动" if floating else "户籍",
            "工作单位": "温岭某公司" if i % 2 else "",
            "网格编码": GRID_CODE,
            "楼栋": f"{i % BUILDINGS + 1}幢",
            "单元": f"{i % 4 + 1}单元",
            "房号": str(101 + (i // (BUILDINGS * 4)) % 2000),
            "入住日期": dt.date(2020, 1, 1),
        }
        if floating:
            row.update(
                {
                    "登记开始": "2026/1/5",
                    "预计结束": "2027-01-04",
                    "房东": "张房东",
                    "房东电话": "13900001111",
                }
            )
        ws.append([row.get(h) for h in RESIDENTS.headers])
    wb.save(path)
    share_strings(path)  # as Excel and WPS save it: the file a person imports was last saved by one


def _server_cpu() -> float | None:
    """CPU seconds so far of the PostgreSQL backend serving this process, when the server runs on this
    machine (its /proc entry is readable); None otherwise, and on SQLite, which runs in-process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class Clock:
    """Wall time, this process's CPU time and its database server's: on a busy machine the CPU times
    still say what the work costs (SQLite runs in-process, so its writes are in the first)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu, self.server = time.perf_counter(), time.process_time(), _server_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        after = _server_cpu()
        self.server = None if after is None or self.server is None else after - self.server


def raw_read(path: Path) -> tuple[Clock, int]:
    """openpyxl's read-only iteration over every value: the ceiling."""
    from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

    rows = 0
    with Clock() as clock:
        wb = load_workbook(path, read_only=True, data_only=False)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                rows += 1
        wb.close()
    return clock, rows - 1


def _setup() -> Any:
    """A grid, its worker and BUILDINGS buildings in it, on the scratch database."""
    from gridgov.accounts.models import ScopeKind, User
    from gridgov.accounts.roles import Role
    from gridgov.core import context
    from gridgov.geo.index import bump_map_version
    from gridgov.geo.models import Grid, PoliceZone, SubDistrict, Village
    from gridgov.people.models import Building
    from gridgov.people.services import places

    square = {
        "type": "Polygon",
        "coordinates": [
            [[121.30, 28.30], [121.31, 28.30], [121.31, 28.31], [121.30, 28.31], [121.30, 28.30]]
        ],
    }

    def area(model: Any, code: str, **fields: Any) -> Any:
        found = model.objects.filter(code=code).first()
        if found is None:
            found = model(code=code, **fields)
            found.set_boundary(square)
            found.save()
        return found

    with context.acting_as_system("cli", "bench:import"):
        sd = area(SubDistrict, "331081999", name="基准街道")
        village = area(Village, "331081999001", name="基准社区", kind="community", sub_district=sd)
        zone = area(PoliceZone, "331081999J01", name="基准警务区", sub_district=sd)
        grid = area(Grid, GRID_CODE, name="基准网格", village=village, police_zone=zone)
        bump_map_version()
        worker = User.objects.filter(username="bench_worker").first()
        if worker is None:
            worker = User(username="bench_worker", role=Role.GRID_WORKER, scope_kind=ScopeKind.GRIDS)
            worker.set_unusable_password()
            worker.save()
            worker.scope_grids.set([grid])
        for n in range(1, BUILDINGS + 1):
            if not Building.objects.filter(grid=grid, name=f"{n}幢").exists():
                places.create_building(
                    worker, name=f"{n}幢", address=f"基准小区{n}幢", lng=121.305, lat=28.305, floors=6
                )
    return worker


def _child(n_rows: int, work: Path) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    django.setup()
    from gridgov.people.excel.importer import acting_for, import_workbook

    worker = _setup()
    path = work / "residents.xlsx"
    write_workbook(path, n_rows, seed=time.time_ns())
    raw, rows = raw_read(path)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with acting_for(worker, "cli"):
        with Clock() as validate:
            checked = import_workbook(path, worker, path.name, dry_run=True)
        with Clock() as full:
            outcome = import_workbook(path, worker, path.name)
    if not outcome.imported or not checked.plan.ok:
        raise RuntimeError(f"bench workbook refused: {outcome.plan.problems[:3]}")
    result: dict[str, Any] = {"rows": rows, "file_mib": round(path.stat().st_size / 2**20, 2)}
    for clock, suffix in (("wall", ""), ("cpu", "_cpu")):
        raw_rate = rows / getattr(raw, clock)
        validate_rate = rows / getattr(validate, clock)
        import_rate = rows / getattr(full, clock)
        result |= {
            f"raw_rows_per_s{suffix}": round(raw_rate),
            f"validated_rows_per_s{suffix}": round(validate_rate),
            f"imported_rows_per_s{suffix}": round(import_rate),
            f"validate_ratio{suffix}": round(validate_rate / raw_rate, 3),
            f"ratio{suffix}": round(import_rate / raw_rate, 3),
        }
    # Seconds of each phase, wall and CPU: the import's writes are about the difference of the last two.
    result["seconds"] = {
        name: {"wall": round(clock.wall, 2), "cpu": round(clock.cpu, 2)}
        | ({} if clock.server is None else {"server_cpu": round(clock.server, 2)})
        for name, clock in (("raw_read", raw), ("validate", validate), ("validate_and_import", full))
    }
    peak = max(rss_before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return result | {"peak_rss_mib": round(peak / 1024), "counts": outcome.counts}


if __name__ == "__main__":
    print(json.dumps(_child(int(sys.argv[1]), Path(sys.argv[2])), ensure_ascii=False))
