"""底数清 as of a date: the service against a naive recount from the move-in/move-out history.

One resident moved out last month, one moved in yesterday, one moved house (grid 1 → grid 2)
yesterday; the figures for today, for the days around those moves and for a date before all of them
must equal what a plain walk over every stay, tag and registration says.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gridgov.demo.registry import load_city_registry
from gridgov.geo.models import Grid
from gridgov.people.excel.columns import FIGURE_HEADERS
from gridgov.people.services.figures import Figures, figures_by, figures_by_grid, figures_for
from tests.factories import Personas
from tests.people.conftest import naive

TODAY = timezone.localdate()
LAST_MONTH = TODAY - dt.timedelta(days=30)
YESTERDAY = TODAY - dt.timedelta(days=1)
BEFORE = TODAY - dt.timedelta(days=60)
DATES = [
    TODAY,
    YESTERDAY,
    TODAY - dt.timedelta(days=2),
    LAST_MONTH,
    LAST_MONTH - dt.timedelta(days=1),
    BEFORE,
    dt.date(2010, 1, 1),
]


def small_map_grids() -> list[Grid]:
    return list(Grid.objects.order_by("code"))


@pytest.mark.parametrize("on", DATES, ids=[d.isoformat() for d in DATES])
def test_each_grid_on_each_date_equals_the_naive_recount(moves: dict[str, Any], on: dt.date) -> None:
    assert figures_by_grid(Grid.objects.all(), on) == naive(on)


def test_the_moves_show_where_they_should(personas: Personas, moves: dict[str, Any]) -> None:
    g1, g2, g3, g4 = (g.pk for g in small_map_grids())
    today, before = figures_by_grid(Grid.objects.all()), figures_by_grid(Grid.objects.all(), BEFORE)
    # Today: 林大娘 alone in grid 1 (tagged); the mover and the newcomer in grid 2.
    assert (today[g1].registered, today[g1].floating, today[g1].tagged) == (1, 0, 1)
    assert today[g1].empty_households == 2 and today[g1].lapsed_registrations == 0
    assert (today[g2].registered, today[g2].floating, today[g2].empty_households) == (1, 1, 0)
    # Two months ago: 唐女士 (tagged, registration lapsed) and the mover still in grid 1, grid 2 empty.
    assert (before[g1].registered, before[g1].floating, before[g1].tagged) == (2, 1, 2)
    assert before[g1].empty_households == 0 and before[g1].lapsed_registrations == 1
    assert (before[g2].residents, before[g2].empty_households) == (0, 1)
    # Households and buildings carry no dates: the same on every day.
    for day in (today, before):
        assert [day[g].households for g in (g1, g2, g3, g4)] == [3, 1, 0, 1]
        assert [day[g].buildings_without_households for g in (g1, g2, g3, g4)] == [0, 0, 1, 0]


def test_the_api_page_and_export_answer_for_the_date_asked(
    personas: Personas, moves: dict[str, Any], client_for: Any
) -> None:
    expected = Figures()
    for one in naive(BEFORE).values():
        expected.add(one)
    client = client_for(personas.operator)
    code = small_map_grids()[0].village.sub_district.code
    api = client.get("/api/v1/figures", {"level": "sub_district", "code": code, "on": BEFORE}).json()
    assert api["on"] == BEFORE.isoformat() and api["figures"] == expected.as_dict()
    assert sum(row["floating"] for row in api["rows"]) == 1
    page = client.get("/registry/figures/", {"level": "sub_district", "code": code, "on": BEFORE})
    body = page.content.decode()
    for key, value in expected.as_dict().items():
        assert f'data-testid="figure-{key}" data-value="{value}"' in body, key
    assert f"&amp;on={BEFORE.isoformat()}" in body  # drilling down keeps the date
    export_url = f"/registry/excel/export/figures.xlsx?level=sub_district&amp;code={code}&amp;on={BEFORE}"
    assert export_url in body  # the page's export asks for the same date
    export = client.get(
        "/registry/excel/export/figures.xlsx", {"level": "sub_district", "code": code, "on": BEFORE}
    )
    assert export.status_code == 200 and BEFORE.strftime("%Y%m%d") in export["Content-Disposition"]
    sheet = list(load_workbook(BytesIO(export.content))["街道"].iter_rows(values_only=True))
    (_code, _name, *values) = sheet[1]
    assert values == [expected.as_dict()[k] for k in FIGURE_HEADERS]
    grids = Grid.objects.restrict(personas.operator, "view")
    assert figures_by(grids, "sub_district", BEFORE)[0][2] == figures_for(grids, BEFORE) == expected


def test_today_is_the_default_and_a_future_date_reads_today(moves: dict[str, Any]) -> None:
    grids = Grid.objects.all()
    assert figures_for(grids) == figures_for(grids, TODAY) == figures_for(grids, TODAY + dt.timedelta(days=1))


@pytest.mark.usefixtures("personas")
def test_a_generated_registry_on_past_dates_equals_the_naive_recount() -> None:
    # 400 generated residents on the small map: departures, renewed and lapsed registrations, tags.
    load_city_registry(total=400)
    for on in (
        TODAY,
        TODAY.replace(day=1) - dt.timedelta(days=1),
        BEFORE,
        TODAY - dt.timedelta(days=3 * 365),
    ):
        assert figures_by_grid(Grid.objects.all(), on) == naive(on), on
