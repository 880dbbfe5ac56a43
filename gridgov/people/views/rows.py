"""One list row for every level of the browse pages: a name, a line under it, and a few counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import pgettext

from gridgov.people.services.figures import Figures
from gridgov.people.views.common import PlaceCounts


@dataclass(frozen=True)
class Count:
    label: str
    value: int
    alert: bool = False


@dataclass
class Row:
    name: str
    url: str
    meta: str = ""
    counts: list[Count] = field(default_factory=list)
    testid: str = ""
    badges: list[str] = field(default_factory=list)


def _short(key: str) -> str:
    # Column heads in a narrow row: 户数 / 户籍 / 流动 / 关爱 / 逾期.
    labels = {
        "households": pgettext("short", "households"),
        "registered": pgettext("short", "registered"),
        "floating": pgettext("short", "floating"),
        "tagged": pgettext("short", "tagged"),
        "lapsed": pgettext("short", "lapsed"),
    }
    return labels[key]


def figure_counts(figures: Figures) -> list[Count]:
    return [
        Count(_short("households"), figures.households),
        Count(_short("registered"), figures.registered),
        Count(_short("floating"), figures.floating),
        Count(_short("tagged"), figures.tagged),
        Count(_short("lapsed"), figures.lapsed_registrations, figures.lapsed_registrations > 0),
    ]


def place_counts_row(counts: PlaceCounts | None, *, households: bool = True) -> list[Count]:
    c = counts or PlaceCounts()
    row = [Count(_short("households"), c.households)] if households else []
    return [
        *row,
        Count(_short("registered"), c.registered),
        Count(_short("floating"), c.floating),
        Count(_short("lapsed"), c.lapsed, c.lapsed > 0),
    ]


def area_rows(rows: list[tuple[str, str, Figures]], url_for: Any, meta_for: Any = None) -> list[Row]:
    """Rows from figures_by(): (code, name, figures) → a link to the area's page."""
    return [
        Row(
            name=name,
            url=url_for(code),
            meta=meta_for(code) if meta_for else code,
            counts=figure_counts(figs),
            testid=code,
        )
        for code, name, figs in rows
    ]
