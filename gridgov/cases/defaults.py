"""A sensible starting set of categories, departments and triage rules (the demo loads it; an
administrator edits it in the back office). Codes: major class 2 digits, minor class 4."""

from __future__ import annotations

from gridgov.cases.models import Category, Department, TriageRule
from gridgov.cases.models.categories import HandlerKind

DEPARTMENTS = [
    ("fire", "消防救援大队"),
    ("market", "市场监督管理所"),
    ("urban", "综合行政执法队"),
    ("housing", "住房和城乡建设局"),
]

# code, name, police, handler, department, accept min, respond min, resolve h, rating, keywords, open311
CATEGORIES: list[tuple[str, str, bool, str, str, int, int, int, bool, str, bool]] = [
    ("01", "便民服务", False, "grid", "", 30, 120, 48, True, "", False),
    ("0101", "助老服务", False, "grid", "", 30, 60, 24, True, "老人,大娘,大爷,搬,帮忙,独居", True),
    ("0102", "居家隔离物资代购", False, "grid", "", 15, 60, 12, True, "隔离,代购,大米,面粉,牛奶,物资", True),
    ("0103", "证照代办", False, "grid", "", 60, 240, 120, True, "代办,证明,办证", True),
    ("02", "矛盾纠纷", False, "grid", "", 30, 120, 72, True, "", False),
    ("0201", "邻里纠纷", False, "grid", "", 30, 60, 72, True, "邻居,纠纷,吵架,争执", True),
    ("0202", "家庭纠纷", False, "grid", "", 30, 60, 72, True, "家庭,夫妻,赡养", False),
    ("03", "市容环境", False, "grid", "", 60, 240, 72, True, "", False),
    ("0301", "噪声扰民", False, "grid", "", 30, 120, 24, True, "噪音,噪声,吵,装修", True),
    ("0302", "垃圾乱堆", False, "department", "urban", 60, 240, 48, True, "垃圾,乱堆,脏", True),
    ("0303", "违章停车", False, "department", "urban", 30, 120, 24, True, "停车,占道,堵", True),
    ("04", "安全隐患", False, "grid", "", 30, 60, 24, True, "", False),
    (
        "0401",
        "消防隐患",
        False,
        "department",
        "fire",
        15,
        60,
        24,
        True,
        "消防,堵塞,灭火器,电瓶车,飞线充电",
        True,
    ),
    ("0402", "房屋安全", False, "department", "housing", 60, 240, 72, True, "裂缝,危房,漏水", True),
    ("05", "非警务警情", False, "grid", "", 15, 60, 24, True, "", False),
    ("0501", "110分流非警务求助", False, "grid", "", 15, 60, 24, True, "开锁,求助,咨询", False),
    ("06", "警务警情", True, "police", "", 5, 15, 24, False, "", False),
    ("0601", "盗窃", True, "police", "", 5, 15, 72, False, "被偷,盗窃,失窃,偷", False),
    ("0602", "打架斗殴", True, "police", "", 5, 10, 24, False, "打架,斗殴,打人", False),
    ("0603", "可能引发过激行为的纠纷", True, "police", "", 5, 10, 24, False, "威胁,报复,拿刀,砍", False),
    ("07", "视频告警", False, "grid", "", 15, 60, 24, False, "", False),
    ("0701", "摄像头告警", False, "grid", "", 15, 60, 24, False, "告警,聚集,烟火", False),
]

RULES = [
    ("可能升级为暴力", "拿刀,持刀,砍人,杀,要弄死,报复,泼汽油", True, "police", "0603", 10),
    ("正在打斗", "打起来了,正在打,动手了,斗殴", True, "police", "0602", 20),
]


def ensure_defaults() -> None:
    """Create what is missing; never overwrite what an administrator changed."""
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], _created = Department.objects.get_or_create(code=code, defaults={"name": name})
    by_code: dict[str, Category] = {c.code: c for c in Category.objects.all()}
    for code, name, police, handler, dept, accept, respond, resolve, rating, keywords, open311 in CATEGORIES:
        if code in by_code:
            continue
        by_code[code] = Category.objects.create(
            code=code,
            name=name,
            parent=by_code.get(code[:2]) if len(code) == 4 else None,
            police=police,
            handler=HandlerKind(handler),
            department=departments.get(dept),
            accept_minutes=accept,
            respond_minutes=respond,
            resolve_hours=resolve,
            rating_asked=rating,
            keywords=keywords,
            open311=open311,
        )
    for name, keywords, police, handler, category, priority in RULES:
        if not TriageRule.objects.filter(name=name).exists():
            TriageRule.objects.create(
                name=name,
                keywords=keywords,
                police=police,
                handler=HandlerKind(handler),
                category=by_code[category],
                priority=priority,
            )
