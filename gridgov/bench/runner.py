"""`gridgov bench`: figures and the baselines they are judged against, measured in the same run."""

from __future__ import annotations

import json
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from gridgov.bench import server as srv
from gridgov.bench.locate_bench import bench_batch, bench_single

Report = dict[str, Any]
Say = Callable[[str], None]


def machine() -> dict[str, Any]:
    import os

    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def _polygons(scale: str) -> list[Any]:
    if scale == "wenling":
        from gridgov.demo.wenling import wenling_map

        areas = [a for a in wenling_map().by_level("grid") if a.code.startswith("331081001")]
    else:
        from gridgov.demo.scale import scaled_map

        areas = scaled_map("province").by_level("grid")
    return list(shapely.from_geojson([json.dumps(a.boundary) for a in areas]))


def bench_locate(say: Say, points: int) -> Report:
    results = {}
    for label, scale in (("taiping_255", "wenling"), ("province", "province")):
        polygons = _polygons(scale)
        batch = bench_batch(polygons, n_points=points, repeats=5)
        single = bench_single(polygons, n=20_000)
        results[label] = {**batch, "single_p50_us": single["p50_us"], "single_p99_us": single["p99_us"]}
        say(
            f"locate batch, {len(polygons):>6} grids: {batch['index_points_per_s']:>12,.0f} points/s  "
            f"(raw STRtree {batch['raw_points_per_s']:,.0f}/s, ratio {batch['ratio']:.2f}); "
            f"single p50 {single['p50_us']:.1f} µs p99 {single['p99_us']:.1f} µs"
        )
    return results


def _percentiles(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": float(np.percentile(times, 50)),
        "p99_ms": float(np.percentile(times, 99)),
        "requests": len(times),
    }


def bench_api(say: Say, work: Path, database_url: str | None, requests: int) -> Report:
    scratch = srv.prepare(work / "wenling", database_url, "wenling")
    token = scratch.gridgov("token", "create", "admin").strip()
    headers = {"Authorization": f"Bearer {token}"}
    rng = np.random.default_rng(5)
    lngs, lats = rng.uniform(121.345, 121.395, requests), rng.uniform(28.35, 28.39, requests)
    locate_paths = [f"/api/v1/locate?lng={x:.6f}&lat={y:.6f}" for x, y in zip(lngs, lats, strict=True)]
    with srv.serving(scratch, workers=1) as server:
        conn = server.connection()
        srv.timed_gets(conn, ["/healthz"] * 50 + locate_paths[:50], headers)  # warm up
        health = _percentiles(srv.timed_gets(conn, ["/healthz"] * requests, headers))
        locate = _percentiles(srv.timed_gets(conn, locate_paths, headers))
    say(
        f"API /api/v1/locate, one client: p50 {locate['p50_ms']:.2f} ms, p99 {locate['p99_ms']:.2f} ms "
        f"(baseline /healthz p50 {health['p50_ms']:.2f} ms, p99 {health['p99_ms']:.2f} ms)"
    )
    return {"locate": locate, "healthz_baseline": health}


def bench_memory(say: Say, work: Path, database_url: str | None) -> Report:
    scratch = srv.prepare(work / "province", database_url, "province")
    headers = {"Authorization": f"Bearer {scratch.gridgov('token', 'create', 'admin').strip()}"}
    with srv.serving(scratch, workers=1) as server:
        pid = server.worker_pids()[0]
        conn = server.connection()
        srv.timed_gets(conn, ["/healthz"], headers)
        before = srv.rss_kib(pid) / 1024
        started = time.perf_counter()
        srv.timed_gets(conn, ["/api/v1/locate?lng=120.5&lat=29.0"], headers)  # builds the index
        build_s = time.perf_counter() - started
        after = srv.rss_kib(pid) / 1024
        grids = int(
            scratch.gridgov(
                "shell",
                "--no-imports",
                "-c",
                "from gridgov.geo.models import Grid; print(Grid.objects.count())",
            )
        )
    say(
        f"memory, web worker with the province map ({grids:,} grids) loaded: {after:.0f} MiB "
        f"(same worker before loading it: {before:.0f} MiB; first locate built the index in {build_s:.1f} s)"
    )
    return {
        "grids": grids,
        "worker_rss_mib": after,
        "worker_rss_mib_before_index": before,
        "index_build_s": build_s,
    }


def run(
    parts: list[str],
    database_url: str | None,
    points: int,
    requests: int,
    say: Say,
    *,
    queries: int = 200,
    import_rows: int = 20_000,
    cases: int | None = None,
    intake_seconds: float = 20.0,
    city_url: str | None = None,
) -> Report:
    report: Report = {"machine": machine(), "database": "postgresql" if database_url else "sqlite"}
    with tempfile.TemporaryDirectory(prefix="gridgov-bench-") as tmp:
        work = Path(tmp)
        if "locate" in parts:
            report["locate"] = bench_locate(say, points)
        if "api" in parts:
            report["api"] = bench_api(say, work, database_url, requests)
        if "memory" in parts:
            report["memory"] = bench_memory(say, work, database_url)
        if "mediation" in parts:
            from gridgov.bench.mediation_bench import bench_mediation

            report["mediation"] = bench_mediation(say, work, database_url)
        if "registry" in parts:
            from gridgov.bench.registry_bench import bench_registry

            report["registry"] = bench_registry(say, work, database_url, queries, city_url)
        if "import" in parts or "registry" in parts:  # the registry's throughput goal, measured once
            from gridgov.bench.import_bench import bench_import_part

            report["import"] = bench_import_part(say, database_url, import_rows)
        if "cases" in parts:
            from gridgov.bench.cases_bench import bench_cases

            report["cases"] = bench_cases(say, work, database_url, cases, intake_seconds)
    return report
