"""Dispute figures for a sub-district and a year with 100,000 disputes: `figures.report()` p50/p95
against a naive recount (every row fetched and counted in Python) on the same scratch database.

The scratch data is written with plain bulk inserts that bypass the services and the audit trail: a
benchmark's throw-away rows need neither, and a hundred thousand disputes through the services would
take an hour. Only the figures are measured, as an account scoped to the sub-district sees them. Around
the year measured lie disputes of the year before and of another sub-district, so that filters matter.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.bench import server as srv
from gridgov.cases.defaults import ensure_defaults
from gridgov.cases.models import Case, Category
from gridgov.geo.models import Grid, PoliceZone, SubDistrict, Village
from gridgov.mediation.defaults import ensure_risk_levels
from gridgov.mediation.figures import report
from gridgov.mediation.models import (
    Agreement,
    Dispute,
    FollowUp,
    MediationCentre,
    Party,
    PoliceReferral,
    RiskLevel,
    Visit,
)

YEAR = 2025
TARGET, OTHER = "339001001", "339001002"  # scratch sub-districts, codes no real map uses
TIERS = (55, 25, 10, 7, 3)  # % of disputes ending at each tier
OUTCOMES = {"open": 10, "resolved": 50, "agreement": 32, "referred": 8}
Say = Any


def _bulk(model: Any, rows: list[Any]) -> None:
    """Insert without the audit trail: a plain QuerySet, not the model's audited manager."""
    QuerySet(model=model).bulk_create(rows, batch_size=2000)


def _next_id(model: Any) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def _map() -> dict[str, Any]:
    box = {"boundary": '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}'}
    made: dict[str, Any] = {}
    for code, villages, grids in ((TARGET, 20, 5), (OTHER, 5, 4)):
        sd = SubDistrict.objects.create(code=code, name=f"测试街道{code[-1]}", **box)
        zone = PoliceZone.objects.create(code=f"{code}J01", name="测试警务区", sub_district=sd, **box)
        centre = MediationCentre.objects.create(
            name=f"{sd.name}矛调中心", level="sub_district", sub_district=sd
        )
        made[code] = {"sd": sd, "centre": centre.pk, "grids": []}
        for v in range(1, villages + 1):
            village = Village.objects.create(code=f"{code}{v:03d}", name=f"村{v}", sub_district=sd, **box)
            near = MediationCentre.objects.create(
                name=f"村{v}矛调中心", level="village", sub_district=sd, village=village
            )
            for g in range(1, grids + 1):
                grid = Grid.objects.create(
                    code=f"{village.code}{g:03d}", name=f"网格{g}", village=village, police_zone=zone, **box
                )
                made[code]["grids"].append((grid.pk, village.pk, zone.pk, near.pk, centre.pk))
    return made


CASE = {"title": "纠纷", "channel": "patrol", "handler": "grid", "lng": 0, "lat": 0}
AGREEMENT: dict[str, Any] = {
    "facts": "事实",
    "matters": "争议",
    "terms": "条款",
    "performance_manner": "现金",
}
AGREEMENT |= {"performance_place": "调解室", "parties_signed": True, "committee_sealed": True}


class _Rows:
    """Model instances with their ids given here, to be inserted in bulk at the end."""

    def __init__(self, models: list[Any]) -> None:
        self.ids = {m: _next_id(m) for m in models}
        self.rows: dict[Any, list[Any]] = {m: [] for m in models}

    def new(self, model: Any, **fields: Any) -> int:
        pk = self.ids[model]
        self.ids[model] += 1
        self.rows[model].append(model(pk=pk, **fields))
        return pk

    def insert(self) -> None:
        for model, made in self.rows.items():
            _bulk(model, made)


def _one(out: _Rows, rng: random.Random, place: tuple[int, ...], year: int, fixed: dict[str, Any]) -> None:
    """One dispute with its case, parties, visits and maybe a police referral, agreement and follow-ups."""
    grid, village, zone, near, centre_sd = place
    happened = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    at = timezone.make_aware(dt.datetime.combine(happened, dt.time(9)))
    tier = rng.choices(range(1, 6), TIERS)[0]
    outcome = rng.choices(list(OUTCOMES), list(OUTCOMES.values()))[0]
    ended = None if outcome == "open" else happened + dt.timedelta(days=tier * rng.randint(1, 12))
    times = dict.fromkeys(("reported_at", "accept_due", "respond_due", "resolve_due", "deadline"), at)
    state = "in_progress" if outcome == "open" else "resolved"
    case_row = {**CASE, **times, "category_id": fixed["category"], "state": state}
    case = out.new(Case, **case_row, grid_id=grid, village_id=village, police_zone_id=zone)
    centre = None if tier == 1 else near if tier == 2 else centre_sd
    row = {"kind": "neighbours", "matter": "纠纷", "risk_id": rng.choice(fixed["risks"]), "tier": tier}
    row |= {"happened_on": happened, "tier_started": happened, "tier_due": happened, "ended_on": ended}
    row |= {"outcome": outcome, "referral": "court" if outcome == "referred" else "", "centre_id": centre}
    repeats = [rng.randint(1, 2) if k == 0 and rng.random() < 0.15 else 0 for k in range(2)]
    visits = [1 + r if centre else 0 for r in repeats]
    referred = rng.random() < 0.05
    answered = (at + dt.timedelta(hours=2) if rng.random() < 0.8 else None) if referred else None
    signed = outcome == "agreement" and ended is not None
    performance = rng.choices(("performed", "broken", "pending"), (60, 10, 30))[0] if signed else ""
    done = [performance == "performed" or (performance == "broken" and k == 0) for k in range(2)]
    # The copies the services keep: the grid (open_dispute), the police referral, the agreement's
    # performance and follow-ups (make_agreement, record_follow_up) and 最多跑一次 (record_visit).
    police = "answered" if answered else "referred" if referred else ""
    copies = {"police_status": police, "performance": performance, "ran_more_than_once": max(visits) > 1}
    copies |= {"follow_up_count": 2 if signed else 0, "follow_up_done_count": sum(done) if signed else 0}
    dispute = out.new(Dispute, **row, **copies, case_id=case, grid_id=grid)
    for k in range(2):
        party = out.new(Party, dispute_id=dispute, name="甲乙"[k], visit_count=visits[k])
        for _visit in range(visits[k]):
            out.new(Visit, party_id=party, centre_id=centre, on=ended or happened)
    if referred:
        out.new(PoliceReferral, dispute_id=dispute, referred_at=at, reason="风险", answered_at=answered)
    if signed and ended is not None:
        terms = {**AGREEMENT, "performance_deadline": ended + dt.timedelta(days=10), "signed_on": ended}
        terms |= {"mediator_id": fixed["user"], "performance": performance}
        agreement = out.new(Agreement, **terms, dispute_id=dispute)
        for k, days in enumerate((10, 30)):
            due = ended + dt.timedelta(days=days)
            out.new(FollowUp, agreement_id=agreement, due=due, done_on=due if done[k] else None)


def build(disputes: int, seed: int = 7, year: int = YEAR) -> dict[str, Any]:
    """`disputes` in the target sub-district and year, a fifth as many the year before and in the other
    sub-district; with parties, agreements, follow-ups, police referrals and visits. Returns what to ask."""
    ensure_defaults()
    ensure_risk_levels()
    rng, places = random.Random(seed), _map()
    leader = User(username=f"bench_leader_{seed}", role="leader", scope_kind="sub_district")
    leader.scope_sub_district = places[TARGET]["sd"]
    leader.save()
    fixed: dict[str, Any] = {"category": Category.objects.get(code="0201").pk, "user": leader.pk}
    fixed["risks"] = list(RiskLevel.objects.values_list("pk", flat=True))
    out = _Rows([Case, Dispute, Party, Agreement, FollowUp, PoliceReferral, Visit])
    jobs = [(TARGET, year, disputes), (TARGET, year - 1, disputes // 5), (OTHER, year, disputes // 5)]
    for code, in_year, count in jobs:
        for _n in range(count):
            _one(out, rng, rng.choice(places[code]["grids"]), in_year, fixed)
    out.insert()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum does after an insert this size (PostgreSQL ≥ 13): planner statistics, and
            # the visibility map that lets the figures' index-only scans skip the table. VACUUM cannot
            # run inside a transaction (a test's), where statistics alone must do.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return {"user": leader, "code": TARGET, "start": dt.date(year, 1, 1), "end": dt.date(year + 1, 1, 1)}


def naive(user: Any, code: str, start: dt.date, end: dt.date, today: dt.date) -> dict[str, Any]:
    """The baseline: fetch every row of the place and period, count in Python."""
    where = {"case__village__sub_district__code": code, "happened_on__gte": start, "happened_on__lt": end}
    found = list(
        Dispute.objects.restrict(user)
        .filter(**where)
        .values_list("tier", "outcome", "happened_on", "ended_on")
    )
    resolved = [(t, h, e) for t, o, h, e in found if o in ("resolved", "agreement") and e is not None]
    ended = [o for _t, o, _h, _e in found if o != "open"]
    scope = {f"dispute__{k}": v for k, v in where.items()}
    performance = Counter(
        Agreement.objects.restrict(user).filter(**scope).values_list("performance", flat=True)
    )
    follow_ups = list(
        FollowUp.objects.restrict(user)
        .filter(**{f"agreement__{k}": v for k, v in scope.items()})
        .values_list("due", "done_on")
    )
    referrals = list(
        PoliceReferral.objects.restrict(user).filter(**scope).values_list("dispute_id", "answered_at")
    )
    visits = Counter(
        Party.objects.restrict(user).filter(**scope, visits__isnull=False).values_list("pk", "dispute_id")
    )
    days = sum((e - h).days for _t, h, e in resolved)
    low, mid = sum(t <= 2 for t, _h, _e in resolved), sum(t <= 4 for t, _h, _e in resolved)
    counts: dict[str, Any] = {
        "found": len(found),
        "open": len(found) - len(ended),
        "ended": len(ended),
        "resolved": len(resolved),
    }
    counts |= {"agreements": ended.count("agreement"), "referred": ended.count("referred")}
    counts |= {"resolved_tier_1_2": low, "resolved_tier_1_4": mid, "days": days}
    counts["police_referrals"] = len({d for d, _a in referrals})
    counts["police_answered"] = len({d for d, a in referrals if a is not None})
    counts |= {"agreements_performed": performance["performed"], "agreements_broken": performance["broken"]}
    counts["follow_ups"] = len(follow_ups)
    counts["follow_ups_done"] = sum(d is not None for _due, d in follow_ups)
    counts["follow_ups_due"] = sum(d is None and due <= today for due, d in follow_ups)
    counts["ran_more_than_once"] = len({dispute for (_party, dispute), n in visits.items() if n > 1})
    counts["share_village"] = round(100 * low / len(ended), 1) if ended else None
    counts["share_town"] = round(100 * mid / len(ended), 1) if ended else None
    counts["avg_days"] = round(days / len(resolved), 1) if resolved else None
    return counts


def _timed(run: Any, repeats: int) -> dict[str, float]:
    """Wall-clock percentiles, and this process's CPU time beside them: on a shared machine the wall
    clock also counts the waits for a core. With SQLite the CPU time includes the database's work;
    with PostgreSQL only the client's."""
    times, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    p50, p95 = np.percentile(times, [50, 95]).tolist()
    cpu_p50, cpu_p95 = np.percentile(cpu, [50, 95]).tolist()
    return {"p50_ms": p50, "p95_ms": p95, "cpu_p50_ms": cpu_p50, "cpu_p95_ms": cpu_p95, "runs": repeats}


def measure(asked: dict[str, Any], repeats: int = 30, baseline_repeats: int = 5) -> dict[str, Any]:
    """Time `figures.report()` and the naive recount on the same data; they must agree."""
    user, code, start, end = asked["user"], asked["code"], asked["start"], asked["end"]
    today = timezone.localdate()
    fast = report(user, "sub_district", code, start, end, today).total.as_dict()
    slow = naive(user, code, start, end, today)
    figures = _timed(lambda: report(user, "sub_district", code, start, end, today), repeats)
    baseline = _timed(lambda: naive(user, code, start, end, today), baseline_repeats)
    return {
        "disputes": fast["found"],
        "agree": fast == slow,
        "figures": figures,
        "naive": baseline,
        "database": connection.vendor,
    }


def child(disputes: int, repeats: int) -> None:
    """Run inside the scratch database's process: build, measure, print one JSON line."""
    started = time.perf_counter()
    asked = build(disputes)
    built = time.perf_counter() - started
    result = measure(asked, repeats)
    result["build_s"] = built
    print(json.dumps(result))


@contextmanager
def _scratch_url(work: Path, database_url: str | None) -> Iterator[str]:
    """SQLite: a file in `work`. PostgreSQL: a database of its own beside the given one, dropped after."""
    if not database_url:
        work.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{work / 'mediation.sqlite3'}"
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(database_url)
    name = f"{config['NAME']}_mediation_bench"
    server: dict[str, Any] = {"host": config["HOST"] or None, "port": config["PORT"] or None}
    server |= {"user": config["USER"] or None, "password": config["PASSWORD"] or None, "dbname": "postgres"}
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_mediation(
    say: Say, work: Path, database_url: str | None, disputes: int = 100_000, repeats: int = 30
) -> dict[str, Any]:
    """`gridgov bench mediation`: the figures of a sub-district's year against the naive recount."""
    with _scratch_url(work / "mediation", database_url) as url:
        scratch = srv.Scratch(work / "mediation", url)
        scratch.gridgov("migrate", "--noinput", "-v0")
        code = f"from gridgov.bench.mediation_bench import child; child({int(disputes)}, {int(repeats)})"
        result: dict[str, Any] = json.loads(
            scratch.gridgov("shell", "--no-imports", "-c", code).strip().splitlines()[-1]
        )
    f, n = result["figures"], result["naive"]
    say(
        f"dispute figures, a sub-district's year of {result['disputes']:,} disputes ({result['database']}): "
        f"p50 {f['p50_ms']:.1f} ms, p95 {f['p95_ms']:.1f} ms, CPU p50 {f['cpu_p50_ms']:.1f} ms "
        f"(naive recount p50 {n['p50_ms']:.0f} ms, "
        f"p95 {n['p95_ms']:.0f} ms; same numbers: {result['agree']}; data built in {result['build_s']:.0f} s)"
    )
    return result
