"""`gridgov bench cases`: HTTP intake beside its baselines, and assessment figures over ten million cases
from the rollup beside the naive GROUP BY — each measured in the same run on the same server or data.

The parent process drives; work that needs the scratch database runs in a child under the scratch's
settings (`python -m gridgov.bench.cases_bench …`). Benchmark cases are written with bulk SQL straight
into the scratch database, bypassing the audit trail (docs/figures.md says why that is acceptable).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gridgov.bench import server as srv

Report = dict[str, Any]
TAIPING = "331081001"
TURNS = 5  # each phase measured in this many slices, in turns with the others
INTAKE_CATEGORIES = ["0101", "0201", "0301", "0302", "0401", "0501"]
INTAKE_TITLES = [
    "帮忙把自行车搬上楼",
    "楼下有人吵架",
    "装修噪音太大",
    "垃圾乱堆",
    "楼道电瓶车飞线充电",
    "咨询",
]


class BenchScratch(srv.Scratch):
    """The scratch, served with the baseline endpoints of gridgov.bench.intake_server mounted."""

    def env(self, **extra: str) -> dict[str, str]:
        return super().env(GRIDGOV_BENCH_ENDPOINTS="1", **extra)


def child(scratch: srv.Scratch, *args: str) -> Any:
    """Run one step of this module in a child process on the scratch database; returns its JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "gridgov.bench.cases_bench", *args],
        env=scratch.env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def load(port: int, method: str, items: Sequence[tuple[str, bytes | None]], headers: dict[str, str],
         threads: int, seconds: float, limit: int, start: int = 0) -> Report:  # fmt: skip
    """Keep-alive clients in threads of this process, on loopback only, bounded by time and count;
    client k sends items start + k, start + k + threads, …"""
    lock, latencies, failures = threading.Lock(), [], []
    issued, stop_at = [0], time.monotonic() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        while time.monotonic() < stop_at:
            with lock:
                if issued[0] >= limit:
                    break
                issued[0] += 1
            path, body = items[k % len(items)]
            k += threads
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status >= 400:
                failures.append(f"{response.status} {text[:200]!r}")
        conn.close()
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    workers = [threading.Thread(target=client, args=(start + k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - began
    p50, p99 = np.percentile(latencies or [0.0], [50, 99]).tolist()
    return {"requests": len(latencies), "per_s": len(latencies) / wall, "errors": len(failures),
            "first_error": failures[0] if failures else "", "p50_ms": p50, "p99_ms": p99,
            "wall_s": wall, "latencies_ms": latencies}  # fmt: skip


def _combined(parts: list[Report]) -> Report:
    """One phase's slices as one result: rates over the slices' summed time, percentiles over all."""
    latencies = [t for part in parts for t in part.pop("latencies_ms")]
    requests, wall = sum(p["requests"] for p in parts), sum(p["wall_s"] for p in parts)
    p50, p99 = np.percentile(latencies or [0.0], [50, 99]).tolist()
    errors = [p["first_error"] for p in parts if p["first_error"]]
    return {"requests": requests, "per_s": requests / wall, "errors": sum(p["errors"] for p in parts),
            "first_error": errors[0] if errors else "", "p50_ms": p50, "p99_ms": p99,
            "slices": len(parts)}  # fmt: skip


def bench_intake(say: Any, work: Path, database_url: str | None, seconds: float, threads: int = 8) -> Report:
    base = srv.prepare(work / "intake", database_url, "wenling")
    scratch = BenchScratch(base.var_dir, base.database_url)
    setup = child(scratch, "intake-setup")
    rng = np.random.default_rng(7)
    bodies = []
    for n, (lng, lat) in enumerate(setup["points"]):
        k = int(rng.integers(len(INTAKE_CATEGORIES)))
        case = {"category": INTAKE_CATEGORIES[k], "title": INTAKE_TITLES[k], "lng": lng, "lat": lat,
                "reporter_name": "居民", "reporter_phone": f"138{n % 10**8:08d}"}  # fmt: skip
        bodies.append(("/api/v1/cases", json.dumps(case, ensure_ascii=False).encode()))
    auth = {"Authorization": f"Bearer {setup['token']}", "Content-Type": "application/json"}
    plain = {"Content-Type": "application/json"}
    commits = [("/bench/commit", json.dumps({"n": n}).encode()) for n in range(1000)]
    limit = 200_000
    results: Report = {"threads": threads, "server_workers": 2, "seconds_each": seconds}
    with srv.serving(scratch, workers=2) as server:
        conn = server.connection()
        conn.request("GET", "/bench/json")
        if conn.getresponse().status != 200:
            raise RuntimeError("the baseline endpoints are not mounted: see gridgov/bench/intake_server.py")
        for method, items, headers in (("GET", [("/bench/json", None)], plain), ("POST", commits, plain)):
            load(server.port, method, items, headers, threads, 2.0, limit)  # warm up
        load(server.port, "POST", bodies[-200:], auth, threads, 3.0, 200)
        # Statistics as a running database has them: autovacuum analyses a table within a minute of
        # such a change, this run would be over first. On a new, nearly empty cases table PostgreSQL
        # plans each foreign-key check of a case as a scan of the whole table, and keeps that plan
        # while the table grows by thousands of rows (pgbench, too, vacuums before it measures).
        child(scratch, "analyze")
        meter = srv.CpuMeter(server, database_url)
        phases: list[tuple[str, str, Sequence[tuple[str, bytes | None]], dict[str, str]]] = [
            ("bare_json", "GET", [("/bench/json", None)], plain),
            ("one_row_commit", "POST", commits, plain),
            ("intake", "POST", bodies[:-200], auth),
        ]
        # The phases in turns of a few seconds each, not one after the other: whatever else the machine
        # does (another tenant, the clock) then weighs on each phase alike, and the ratios between them
        # are far steadier than the rates themselves.
        parts: dict[str, list[Report]] = {name: [] for name, *_rest in phases}
        spent = {name: dict.fromkeys(("server", "database", "load"), 0.0) for name in parts}
        for _turn in range(TURNS):
            for name, method, requests, headers in phases:
                before = meter.read()
                sent = sum(p["requests"] for p in parts[name])
                part = load(server.port, method, requests, headers, threads, seconds / TURNS, limit, sent)
                for who, ms in meter.per_request(before, 1).items():
                    spent[name][who] += ms
                parts[name].append(part)
        for name in parts:
            results[name] = _combined(parts[name])
            count = max(results[name]["requests"], 1)
            results[name]["cpu_ms_per_request"] = {who: ms / count for who, ms in spent[name].items()}
    intake, one_row, bare = (results[k]["per_s"] for k in ("intake", "one_row_commit", "bare_json"))
    results["ratio_to_one_row_commit"], results["ratio_to_bare_json"] = intake / one_row, intake / bare
    cpu = {k: sum(results[k]["cpu_ms_per_request"].values()) for k in ("intake", "one_row_commit")}
    results["cpu_ratio_one_row_to_intake"] = cpu["one_row_commit"] / cpu["intake"]
    say(
        f"intake POST /api/v1/cases, {threads} clients, 2 server workers: {intake:,.0f} cases/s "
        f"(p50 {results['intake']['p50_ms']:.0f} ms, {results['intake']['errors']} errors); baselines: "
        f"one-row commit {one_row:,.0f}/s (ratio {intake / one_row:.2f}), bare JSON {bare:,.0f}/s "
        f"(ratio {intake / bare:.2f}); CPU per request: intake {_cpu(results['intake'])}, one-row "
        f"{_cpu(results['one_row_commit'])} (ratio {cpu['one_row_commit'] / cpu['intake']:.2f})"
    )
    return results


def _cpu(result: Report) -> str:
    ms = result["cpu_ms_per_request"]
    return f"{sum(ms.values()):.2f} ms (" + ", ".join(f"{k} {v:.2f}" for k, v in ms.items()) + ")"


def bench_figures(say: Any, work: Path, database_url: str | None, cases: int, repeats: int = 40) -> Report:
    started = time.perf_counter()
    scratch = srv.prepare(work / "figures", database_url, "wenling")
    prepared_s = time.perf_counter() - started
    result: Report = child(scratch, "figures", str(cases), str(repeats))
    result["demo_setup_s"] = prepared_s
    token = scratch.gridgov("token", "create", "taiping_zhihui").strip()
    path = f"/api/v1/assessment?level=village&code={TAIPING}&start={result['start']}&end={result['end']}"
    with srv.serving(scratch, workers=1) as server:
        conn = server.connection()
        times = srv.timed_gets(conn, [path] * (repeats + 5), {"Authorization": f"Bearer {token}"})[5:]
    result["api_p50_ms"], result["api_p95_ms"] = np.percentile(times, [50, 95]).tolist()
    say(
        f"figures, sub-district × month over {result['cases']:,} cases: "
        f"rollup p95 {result['rollup_p95_ms']:.1f} ms "
        f"(API p95 {result['api_p95_ms']:.1f} ms) vs naive GROUP BY p95 {result['naive_p95_ms']:,.0f} ms "
        f"(×{result['naive_p95_ms'] / result['rollup_p95_ms']:,.0f}); same answer: {result['agree']}; "
        f"setup: generate {result['generate_s']:.0f} s, rollup build {result['rebuild_s']:.0f} s"
    )
    return result


def bench_cases(
    say: Any, work: Path, database_url: str | None, cases: int | None = None, seconds: float = 20.0
) -> Report:
    """Both parts (`gridgov bench cases`). Ten million cases by default on PostgreSQL; one million on
    SQLite, whose rebuild runs its date functions in Python and would take most of an hour. `cases=0`
    skips the figures and `seconds=0` the intake, for a short run of the other part."""
    report: Report = {}
    if seconds > 0:
        report["intake"] = bench_intake(say, work, database_url, seconds)
    if cases != 0:
        report["figures"] = bench_figures(
            say, work, database_url, cases or (10_000_000 if database_url else 1_000_000)
        )
    return report


# --- steps run in the child, on the scratch database ----------------------------------------------
def _intake_setup() -> Report:
    from gridgov.accounts.models import ApiToken, User
    from gridgov.bench.intake_server import ensure_table
    from gridgov.cases.defaults import ensure_defaults
    from gridgov.geo.index import grid_index
    from gridgov.geo.models import Grid

    ensure_defaults()
    ensure_table()
    _token, raw = ApiToken.issue(User.objects.get(username="taiping_zhihui"), "bench")
    taiping = set(Grid.objects.filter(village__sub_district__code=TAIPING).values_list("pk", flat=True))
    index, rng = grid_index.get(), np.random.default_rng(3)
    points: list[tuple[float, float]] = []
    box = Grid.objects.filter(pk__in=taiping)
    lo = [min(box.values_list(f, flat=True)) for f in ("min_lng", "min_lat")]
    hi = [max(box.values_list(f, flat=True)) for f in ("max_lng", "max_lat")]
    while len(points) < 3000:
        lng, lat = rng.uniform(lo[0], hi[0]), rng.uniform(lo[1], hi[1])
        if index.locate(lng, lat) in taiping:
            points.append((round(float(lng), 6), round(float(lat), 6)))
    return {"token": raw, "points": points}


def _timed(read: Any, selection: Any, runs: int) -> tuple[list[float], dict[str, Any]]:
    times, answer = [], {}
    for _ in range(runs):
        began = time.perf_counter()
        answer = {str(k): v.as_dict() for k, v in read(selection, "village").items()}
        times.append((time.perf_counter() - began) * 1000)
    return times, answer


def _figures(cases: int, repeats: int) -> Report:
    from gridgov.cases.defaults import ensure_defaults
    from gridgov.cases.figures import query, rollup, synthetic
    from gridgov.cases.models import Case
    from gridgov.cases.models.rollups import RollupDay
    from gridgov.geo.models import Grid

    ensure_defaults()  # the categories and departments the synthetic cases are spread over
    generate_s, reused = synthetic.generate(cases)
    clock = time.perf_counter()
    steps = rollup.rebuild()
    rebuild_s = time.perf_counter() - clock
    end = dt.date.today().replace(day=1)  # the last whole month
    start = (end - dt.timedelta(days=1)).replace(day=1)
    selection = query.Selection(Grid.objects.filter(village__sub_district__code=TAIPING), start, end)
    fast, fast_answer = _timed(query.figures, selection, repeats)
    # Three runs of the naive GROUP BY: each takes minutes over ten million cases on PostgreSQL.
    slow, slow_answer = _timed(query.naive_figures, selection, 3)
    read = RollupDay.objects.filter(day__gte=start, day__lt=end, grid_id__in=selection.grids.values("pk"))
    return {
        "cases": Case.objects.count(),
        "reused_data": reused,
        "generate_s": generate_s,
        "rebuild_s": rebuild_s,
        "rebuild_steps_s": steps,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "rollup_rows_read": read.count(),
        "rollup_rows_total": RollupDay.objects.count(),
        "rollup_p50_ms": float(np.percentile(fast, 50)),
        "rollup_p95_ms": float(np.percentile(fast, 95)),
        "naive_p50_ms": float(np.percentile(slow, 50)),
        "naive_p95_ms": float(np.percentile(slow, 95)),
        "naive_runs": len(slow),
        "agree": fast_answer == slow_answer,
    }


def main(argv: list[str]) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    django.setup()
    from gridgov.core import context

    with context.acting_as_system("cli", "bench"):
        if argv[0] == "analyze":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            out: Report = {}
        else:
            out = _intake_setup() if argv[0] == "intake-setup" else _figures(int(argv[1]), int(argv[2]))
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
