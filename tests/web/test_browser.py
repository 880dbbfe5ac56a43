"""The map in a real browser: Debian's Chromium, driven by Playwright against the live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.factories import PASSWORD, Personas, SmallMap, build_personas, build_small_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
GRID_1 = "331081001001001"  # 东辉社区第1网格: 陈慧玲's grid, in 林会兵's police zone
GRID_3 = "331081001201001"  # 肖泉村第1网格: the officer's other grid


@pytest.fixture(scope="module")
def _async_unsafe() -> Iterator[None]:
    # Playwright's sync API keeps an event loop in this thread, and Django refuses database calls
    # from a thread with a running loop unless told that this is deliberate.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(_async_unsafe: None) -> Iterator[Browser]:
    assert os.access(CHROMIUM, os.X_OK), "Debian's chromium is not installed: run `make browser`"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def people(transactional_db: Any) -> Iterator[Personas]:
    small: SmallMap = build_small_map()
    yield build_personas(small)


def open_context(browser: Browser, live_server: Any, *, phone: bool = False) -> BrowserContext:
    options: dict[str, Any] = {"locale": "zh-CN", "base_url": live_server.url}
    if phone:
        options.update(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
        )
    else:
        options.update(viewport={"width": 1440, "height": 900})
    context = browser.new_context(**options)
    outside: list[str] = []
    context.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    context.outside_requests = outside  # type: ignore[attr-defined]
    return context


def log_in(page: Page, username: str, screenshot: str | None = None) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_test_id("login-card")).to_contain_text("网格化基层治理")
    if screenshot:
        page.screenshot(path=str(ARTIFACTS / screenshot))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_test_id("login-card").locator("button[type=submit]").click()
    page.wait_for_url("**/map/")
    expect(page.get_by_test_id("map")).to_have_attribute("data-state", "ready")


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
