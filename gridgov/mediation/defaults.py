"""Risk levels the demo uses (an administrator changes them in the back office)."""

from __future__ import annotations

from gridgov.mediation.models import RiskLevel

RISK_LEVELS = [
    ("red", "红色", 1, "#d62728", "立即报告警务区民警，民警参与处置", 1, True),
    ("orange", "橙色", 2, "#ff7f0e", "当日上报村（社区），当日介入调处", 24, False),
    ("yellow", "黄色", 3, "#e5c100", "网格员就地化解", 72, False),
    ("blue", "蓝色", 4, "#1f77b4", "网格员关注，定期回访", 168, False),
]


def ensure_risk_levels() -> None:
    for code, name, rank, color, rule, hours, police in RISK_LEVELS:
        RiskLevel.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name, rank=rank, color=color, rule=rule, respond_hours=hours, police_at_once=police
            ),
        )
