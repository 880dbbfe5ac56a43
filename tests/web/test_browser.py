"""The map in a real browser: Debian's Chromium, driven by Playwright against the live server."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

# Shared with the other browser tests; the fixtures are found by the names this module holds.
from tests.browser import ARTIFACTS, _async_unsafe, browser, log_in, open_context, people
from tests.factories import Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["_async_unsafe", "browser", "people"]

GRID_1 = "331081001001001"  # 东辉社区第1网格: 陈慧玲's grid, in 林会兵's police zone
GRID_3 = "331081001201001"  # 肖泉村第1网格: the officer's other grid


def expect_card_of_grid_1(page: Page) -> None:
    card = page.get_by_test_id("grid-card")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-state", "ready")
    expect(card.get_by_test_id("card-code")).to_have_text(GRID_1)
    expect(card.get_by_test_id("card-name")).to_have_text("东辉社区第1网格")
    expect(card.get_by_test_id("card-village")).to_contain_text("东辉社区")
    expect(card.get_by_test_id("card-sub-district")).to_have_text("太平街道")
    expect(card.get_by_test_id("card-police-zone")).to_contain_text("东辉警务区")
    expect(card.get_by_test_id("card-officer")).to_contain_text("林会兵")
    expect(card.get_by_test_id("card-workers")).to_contain_text("陈慧玲")


def test_grid_worker_opens_her_grid_card(browser: Browser, live_server: Any, people: Personas) -> None:
    people.officer.work_phone = "0576-8611 0110"
    people.officer.save()
    context = open_context(browser, live_server)
    page = context.new_page()
    log_in(page, "chenhuiling", screenshot="login.png")
    expect(page.get_by_test_id("current-user")).to_contain_text("陈慧玲")
    expect(page.get_by_test_id("current-user")).to_contain_text("网格员")
    grids = page.locator("path.gg-grid")
    expect(grids).to_have_count(1)
    grids.first.click()
    expect_card_of_grid_1(page)
    expect(page.get_by_test_id("map")).to_have_attribute("data-selected", GRID_1)
    tel = page.get_by_test_id("card-officer").get_by_test_id("tel-link")
    expect(tel).to_have_attribute("href", "tel:0576-86110110".replace("-", ""))
    page.wait_for_timeout(400)  # let the panel's slide-in finish before the picture
    page.screenshot(path=str(ARTIFACTS / "map-desktop.png"))
    # Empty ground closes the card and harms nothing.
    page.mouse.click(700, 160)
    expect(page.get_by_test_id("grid-card")).to_be_hidden()
    assert context.outside_requests == []  # type: ignore[attr-defined]
    context.close()


def test_officer_sees_the_two_grids_of_his_zone(browser: Browser, live_server: Any, people: Personas) -> None:
    context = open_context(browser, live_server)
    page = context.new_page()
    log_in(page, "linhuibing")
    expect(page.locator("path.gg-grid")).to_have_count(2)
    expect(page.get_by_test_id("grid-count")).to_contain_text("2")
    expect(page.get_by_test_id("legend-list").locator("li")).to_have_count(2)  # two villages
    page.get_by_test_id("colour-by-zone").click()
    expect(page.get_by_test_id("legend-list")).to_have_text("东辉警务区2")  # one zone, two grids
    # Search by name, then by code: the card opens without a click on the map.
    page.get_by_test_id("search-input").fill("肖泉")
    expect(page.get_by_test_id("search-results")).to_contain_text("肖泉村第1网格")
    page.keyboard.press("Enter")
    card = page.get_by_test_id("grid-card")
    expect(card).to_have_attribute("data-state", "ready")
    expect(card.get_by_test_id("card-village")).to_contain_text("肖泉村")
    expect(card.get_by_test_id("card-workers")).to_contain_text("暂未配备")
    page.get_by_test_id("search-input").fill(GRID_1)
    page.keyboard.press("Enter")
    expect_card_of_grid_1(page)
    page.wait_for_timeout(700)  # the fly-to animation
    page.screenshot(path=str(ARTIFACTS / "map-officer.png"))
    context.close()


def test_api_errors_show_their_message(browser: Browser, live_server: Any, people: Personas) -> None:
    context = open_context(browser, live_server)
    page = context.new_page()
    log_in(page, "chenhuiling")
    body = {"error": {"code": "forbidden", "message": "您无权查看该网格。", "fields": {}}}
    page.route("**/api/v1/grids/*", lambda route: route.fulfill(status=403, json=body))
    page.locator("path.gg-grid").first.click()
    expect(page.get_by_test_id("toast")).to_contain_text("您无权查看该网格。")
    expect(page.get_by_test_id("grid-card")).to_have_attribute("data-state", "error")
    context.close()


def test_phone_shows_the_card_as_a_bottom_sheet(browser: Browser, live_server: Any, people: Personas) -> None:
    context = open_context(browser, live_server, phone=True)
    page = context.new_page()
    log_in(page, "chenhuiling", screenshot="login-phone.png")
    page.screenshot(path=str(ARTIFACTS / "map-phone-empty.png"))
    page.locator("path.gg-grid").first.tap()
    expect_card_of_grid_1(page)
    page.wait_for_timeout(400)  # the sheet's slide-up
    box = page.get_by_test_id("grid-card").bounding_box()
    assert box is not None
    assert box["width"] == 390 and abs(box["y"] + box["height"] - 844) < 2  # docked to the bottom
    page.screenshot(path=str(ARTIFACTS / "map-phone.png"))
    # The hamburger opens the menu with the account and the log-out button.
    page.get_by_role("button", name="菜单").tap()
    expect(page.get_by_test_id("logout")).to_be_visible()
    page.wait_for_timeout(400)  # the menu's slide-down
    page.screenshot(path=str(ARTIFACTS / "menu-phone.png"))
    context.close()
