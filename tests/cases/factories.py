"""Case fixtures: the default categories on the small map, and reports in its grids."""

from __future__ import annotations

from typing import Any

from gridgov.cases.defaults import ensure_defaults
from gridgov.cases.services.intake import Intake, ItemInput, Report, intake

GRID_1_POINT = (121.365, 28.365)  # 东辉社区第1网格: 陈慧玲's grid, 林会兵's zone
GRID_2_POINT = (121.375, 28.365)  # 东辉社区第2网格: 翁迪's grid


def categories() -> None:
    ensure_defaults()


def report(
    actor: Any,
    *,
    category: str = "0101",
    title: str = "帮忙把自行车搬到楼上",
    point: tuple[float, float] = GRID_1_POINT,
    channel: str = "phone",
    **extra: Any,
) -> Intake:
    items = [ItemInput(*i) for i in extra.pop("items", [])]
    return intake(
        actor,
        Report(
            channel=channel, category=category, title=title, lng=point[0], lat=point[1], items=items, **extra
        ),
    )
