"""What every browser test shares: Debian's Chromium driven by Playwright against the live server.

Import the fixtures into a test module (`from tests.browser import browser, people, ...`): pytest finds
fixtures by the names a module holds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.factories import PASSWORD, Personas, SmallMap, build_personas, build_small_map

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


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
    """A fresh browser profile in Chinese; records every request that leaves the live server."""
    options: dict[str, Any] = {"locale": "zh-CN", "base_url": live_server.url}
    if phone:
        options.update(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
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


def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)
