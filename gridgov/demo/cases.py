"""Demo cases in Taiping: the source's stories and a month of ordinary work, so that the inbox, the
case pages and the figures have something true-looking to show.

Every case goes through the services with the account that would really act (intake, transitions,
the rating link); only the clock is wound back afterwards, because a demo loaded in one second
cannot otherwise have a history of weeks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.cases.defaults import ensure_defaults
from gridgov.cases.models import Case, CaseEvent, Department
from gridgov.cases.services import escalation, rating, transitions
from gridgov.cases.services.intake import ItemInput, Report, intake
from gridgov.cases.services.public import public_intake
from gridgov.core import context
from gridgov.geo.index import grid_index
from gridgov.geo.models import Grid

TAIPING = "331081001"
MARK = "demo-"  # external_id prefix: how a second run knows the demo cases are there
STAMPS = {
    "accept": "accepted_at",
    "dispatch": "dispatched_at",
    "resolve": "resolved_at",
    "close": "closed_at",
}


@dataclass
class Story:
    key: str
    actor: str  # username of who logs it ("" = the resident's own form)
    worker: str  # whose grid it happens in
    category: str
    title: str
    channel: str = "phone"
    steps: list[str] = field(default_factory=list)  # accept, dispatch, start, resolve, rate:5, rate:2-no …
    hours_ago: float = 1.0
    reporter: tuple[str, str] = ("", "")
    address: str = ""
    description: str = ""
    items: list[tuple[str, float, str]] = field(default_factory=list)
    ticked: int = 0
    span_hours: float = 0.0  # from report to the last step; default: most of hours_ago


def _point(grid: Grid) -> tuple[float, float]:
    """A point inside the grid: its label point, or the middle of its box, whichever locates to it."""
    index = grid_index.get()
    for lng, lat in (
        (grid.label_lng, grid.label_lat),
        ((grid.min_lng + grid.max_lng) / 2, (grid.min_lat + grid.max_lat) / 2),
    ):
        if index.locate(lng, lat) == grid.pk:
            return lng, lat
    return grid.label_lng, grid.label_lat


def _act(actor: Any, case: Case, name: str, note: str = "", **extra: Any) -> Case:
    case.refresh_from_db()
    return transitions.act(actor, case.pk, transitions.Action(name, case.version, note, **extra))


def _walk(story: Story, case: Case) -> Case:
    for step in story.steps:
        holder = User.objects.get(pk=case.assignee_id) if case.assignee_id else None
        if step == "dispatch":
            case = _act(holder, case, "dispatch", "", assignee_id=holder.pk if holder else None)
        elif step == "resolve":
            case = _act(holder, case, "resolve", "已办结，已电话回访居民。")
        elif step.startswith("rate:"):
            score, _sep, verdict = step[5:].partition("-")
            token = rating.issue_link(holder, case.pk)
            comment = "还没解决，请再来看看" if verdict == "no" else "网格员办事快、态度好"
            case = rating.rate(token, int(score), comment, verdict != "no")
        elif step == "escalate":
            escalation.escalate_one(case.pk)  # its deadline was missed: the clock went back first
        elif step == "tick":
            for item in list(case.items.all())[: story.ticked]:
                transitions.tick_item(holder, item.pk, True)
        else:
            case = _act(holder, case, step)
    return case


def _backdate(case: Case, hours_ago: float, span_hours: float) -> None:
    """Move the case's report `hours_ago` hours back and spread its steps over `span_hours`;
    the deadlines follow the report, as the category sets them."""
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    span = dt.timedelta(hours=min(span_hours or hours_ago * 0.8, hours_ago))
    fields: dict[str, Any] = {}
    for n, event in enumerate(events):
        at = start + span * (n / max(len(events) - 1, 1)) if len(events) > 1 else start
        CaseEvent.objects.filter(pk=event.pk).update(at=at)
        if event.action == "report":
            fields["reported_at"] = at
        elif event.action in STAMPS:
            fields[STAMPS[event.action]] = at
    category = case.category
    reported = fields.get("reported_at", start)
    fields.update(
        accept_due=reported + dt.timedelta(minutes=category.accept_minutes),
        respond_due=reported + dt.timedelta(minutes=category.respond_minutes),
        resolve_due=reported + dt.timedelta(hours=category.resolve_hours),
        deadline=reported + dt.timedelta(hours=category.resolve_hours),
    )
    Case.objects.filter(pk=case.pk).update(**fields)


def _log(story: Story, users: dict[str, User], grids: dict[str, Grid]) -> Case:
    grid = grids[story.worker]
    lng, lat = _point(grid)
    report = Report(
        channel=story.channel,
        category=story.category,
        title=story.title,
        description=story.description,
        lng=lng,
        lat=lat,
        address=story.address,
        reporter_name=story.reporter[0],
        reporter_phone=story.reporter[1],
        external_id=MARK + story.key,
        items=[ItemInput(*item) for item in story.items],
    )
    if not story.actor:
        report.device = f"demo{story.key}"
        return public_intake(report).case
    return intake(users[story.actor], report).case


def _story(
    key: str, who: str, category: str, title: str, steps: str, hours_ago: float, **extra: Any
) -> Story:
    """`who`: the account that logs it, "actor@worker" when it happens in another's grid, or
    "@worker" for the resident's own form; `steps` separated by spaces."""
    actor, _at, worker = who.partition("@")
    return Story(
        key, actor, worker or actor, category, title, steps=steps.split(), hours_ago=hours_ago, **extra
    )


TANG_LIST: list[tuple[str, float, str]] = [
    ("大米", 2, "袋"),
    ("面粉", 1, "斤"),
    ("牛奶", 3, "盒"),
    ("生活用品", 1, "袋"),
]


# A table: one story to a line or two reads better than the formatter's one argument a line.
# fmt: off
def stories(workers: list[str]) -> list[Story]:
    """The source's stories, today's open work, and a month of closed cases across Taiping."""
    done = "accept dispatch start resolve"
    w = workers
    found = [
        _story("lin-bicycle", "chenhuiling", "0101", "帮林大娘把自行车从地下室搬上楼", f"{done} rate:5", 50,
               reporter=("林大娘", "13800000101"), address="东辉社区9幢4单元",
               description="林大娘独居，腿脚不便，自行车停在地下室搬不上来。"),
        _story("tang-supplies", "wangzhe", "0102", "唐女士居家隔离，代购生活物资",
               "accept dispatch start tick", 3, channel="wechat", reporter=("唐女士", "13800000102"),
               ticked=2, items=TANG_LIST),
        _story("leak-quarrel", "wengdi", "0201", "楼上漏水引发邻里争执", "accept dispatch start", 5,
               channel="patrol", description="巡查发现两户因漏水争吵，已初步劝解。"),
        _story("night-noise", "@chenhuiling", "0301", "夜里装修噪音太大", "", 0.1, channel="contact_card",
               reporter=("", "13800000104"), address="东辉社区12幢"),
        _story("bike-theft", "chenhuiling", "0601", "电动车在楼下被偷", "accept dispatch start", 4,
               reporter=("周先生", "13800000105")),
        _story("knife-threat", w[0], "0201", "邻居吵架，一方扬言要拿刀", "accept dispatch start", 0.5,
               description="双方情绪激动，可能引发过激行为。"),
        _story("open-lock", "taiping_zhihui@wangzhe", "0501", "老人忘带钥匙求助开锁", done, 6, channel="110",
               reporter=("王大爷", "13800000107")),
        _story("charging", w[1], "0401", "楼道电瓶车飞线充电", "accept dispatch start", 8, channel="patrol"),
        _story("rubbish", w[2], "0302", "小区门口垃圾乱堆", "accept dispatch", 10, channel="patrol"),
        _story("parking", w[3], "0303", "消防通道违章停车", "", 30),
        _story("rework", w[4], "0301", "广场舞音响太响", f"{done} rate:2-no", 20),
        _story("late", w[5], "0101", "独居老人家中灯泡坏了", "escalate", 3),
    ]
    titles = {
        "0101": "帮独居老人取药", "0102": "隔离户代购蔬菜", "0103": "代办居住证明",
        "0201": "邻里因晾衣杆起争执", "0301": "夜市噪音扰民", "0202": "家庭赡养纠纷调解",
    }
    kinds = ["0101", "0102", "0103", "0201", "0301", "0202", "0101", "0103"]
    for n in range(16):
        kind, score = kinds[n % 8], [5, 5, 4, 5, 3, 5, 4, 5][n % 8]
        span = [4, 9, 18, 6, 30, 12, 5, 60][n % 8]  # mostly on time, a few late: figures worth reading
        found.append(
            _story(f"month-{n:02d}", w[n % len(w)], kind, titles[kind], f"{done} rate:{score}",
                   24 * (3 + n * 1.7), channel=["phone", "patrol", "wechat"][n % 3], span_hours=span)
        )
    return found
# fmt: on


def load_cases() -> int:
    """Load the demo cases once (a second run changes nothing); returns how many were created."""
    with context.acting_as_system("cli", "cli:demo"), transaction.atomic():
        ensure_defaults()
        fire = Department.objects.get(code="fire")
        officer = User.objects.filter(username="taiping_xiaofang").first()
        if officer is not None:
            fire.members.add(officer)
        if Case.objects.filter(external_id__startswith=MARK).exists():
            return 0
        workers = list(
            User.objects.filter(
                role=Role.GRID_WORKER,
                username__startswith="wg",
                is_active=True,
                grids_worked__village__sub_district__code=TAIPING,
            )
            .order_by("username")
            .values_list("username", flat=True)[:8]
        )
        if len(workers) < 6:
            return 0  # not the Wenling demo map: nothing sensible to show
        named = [*workers, "chenhuiling", "wangzhe", "wengdi"]
        users = {u.username: u for u in User.objects.filter(username__in=[*named, "taiping_zhihui"])}
        grids = {
            name: grid
            for grid in Grid.objects.filter(workers__username__in=named).distinct()
            for name in grid.workers.filter(username__in=named).values_list("username", flat=True)
        }
        created = 0
        for story in stories(workers):
            if story.worker not in grids or (story.actor and story.actor not in users):
                continue
            case = _log(story, users, grids)
            if "escalate" in story.steps:
                # Escalation needs a missed deadline: the clock goes back first, then the worker acts.
                _backdate(case, story.hours_ago, story.span_hours)
                _walk(story, case)
            else:
                _walk(story, case)
                _backdate(case, story.hours_ago, story.span_hours)
            created += 1
        return created
