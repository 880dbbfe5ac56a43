"""Stories 1 and 2 of domain.md end to end in headless Chromium, and the resident's contact-card page.

1. 林大娘 calls 陈慧玲 to carry her bicycle up: logged on the phone, handled, rated — and it never
   reaches the police. 2. 唐女士 in quarantine sends 王哲 a WeChat list; he ticks it off and she rates.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from gridgov.accounts.models import ScopeKind
from gridgov.accounts.roles import Role
from gridgov.cases.models import Case, Notification
from gridgov.geo.models import Grid
from tests.browser import _async_unsafe, browser, log_in, open_context, people, shot
from tests.cases import factories as f
from tests.factories import Personas, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["_async_unsafe", "browser", "people"]  # fixtures, used by name

GRID_1 = "331081001001001"  # 东辉社区第1网格: 陈慧玲's grid, 林会兵's zone
GRID_3 = "331081001201001"  # 肖泉村第1网格: 王哲's grid in story 2


def png(width: int = 48, height: int = 32) -> bytes:
    """A real (tiny) PNG, so the timeline's thumbnail shows as a picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + bytes((46, 158, 91)) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def take(page: Page, action: str, note: str = "", photo: bool = False) -> None:
    """Open an action's form on the case page, fill it and send it; wait for the page to come back."""
    page.bring_to_front()  # a background tab gets no animation frames: Bootstrap's collapse would stall
    page.get_by_test_id(f"action-{action}").click()
    form = page.get_by_test_id(f"form-{action}")
    expect(page.locator(f"#gg-act-{action}")).to_have_class("collapse show")  # opened, not still sliding
    if note:
        form.get_by_test_id(f"note-{action}").fill(note)
    if photo:
        form.get_by_test_id(f"photos-{action}").set_input_files(
            {"name": "bicycle-upstairs.png", "mimeType": "image/png", "buffer": png()}
        )
    with page.expect_navigation():
        form.get_by_test_id(f"submit-{action}").click()
    expect(page.get_by_test_id("messages")).to_be_visible()


def log_case(
    page: Page, *, channel: str, category: str, title: str, grid: str, reporter: tuple[str, str]
) -> None:
    page.goto("/cases/new/")
    expect(page.get_by_test_id("pick-map")).to_have_attribute("data-state", "ready")
    page.locator(f"label[for=id_channel_{['phone', 'wechat', 'patrol'].index(channel)}]").click()
    page.select_option("#id_category", category)
    page.fill("#id_title", title)
    page.locator(f"#gg-pick-map path.gg-grid[data-code='{grid}']").click()
    expect(page.get_by_test_id("place-chosen")).to_be_visible()
    page.fill("#id_reporter_name", reporter[0])
    page.fill("#id_reporter_phone", reporter[1])


def rating_path(page: Page) -> str:
    url = page.get_by_test_id("rating-url").input_value()
    return url[url.index("/rate/") :]


def resident_rates(browser: Browser, live_server: Any, path: str, comment: str, screenshot: str) -> None:
    resident = open_context(browser, live_server, phone=True)  # no account, her own phone
    page = resident.new_page()
    page.goto(path)
    expect(page.get_by_test_id("rate-page")).to_be_visible()
    page.get_by_test_id("star-5").click()
    page.get_by_test_id("solved-yes").click()
    page.fill("#id_comment", comment)
    shot(page, screenshot, full_page=True)
    page.get_by_test_id("rate-submit").click()
    expect(page.get_by_test_id("rate-done")).to_have_attribute("data-state", "closed")
    shot(page, screenshot.replace(".png", "-done.png"))
    page.goto(path)  # the link worked once
    expect(page.get_by_test_id("rate-used")).to_be_visible()
    assert resident.outside_requests == []  # type: ignore[attr-defined]
    resident.close()


def test_story_1_lin_damas_bicycle_never_reaches_the_police(
    browser: Browser, live_server: Any, people: Personas
) -> None:
    f.categories()
    context = open_context(browser, live_server, phone=True)
    page = context.new_page()
    log_in(page, "chenhuiling")
    page.goto("/cases/")
    expect(page.get_by_test_id("empty")).to_be_visible()
    page.get_by_test_id("new-case-fab").click()
    log_case(
        page,
        channel="phone",
        category="0101",
        title="帮林大娘把自行车从地下室搬上楼",
        grid=GRID_1,
        reporter=("林大娘", "13800001234"),
    )
    page.fill("#id_description", "林大娘独居，自行车停在地下室，想搬到楼上。")
    page.fill("#id_address", "东辉社区9幢4单元")
    shot(page, "cases-intake-phone.png", full_page=True)
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get(title="帮林大娘把自行车从地下室搬上楼")
    assert case.channel == "phone" and not case.police and case.assignee == people.worker
    expect(page.get_by_test_id("case")).to_have_attribute("data-state", "reported")
    expect(page.get_by_test_id("case-holder")).to_contain_text("陈慧玲")
    expect(page.get_by_test_id("reporters")).to_contain_text("138****1234")
    page.wait_for_timeout(300)
    shot(page, "cases-case-reported-phone.png", full_page=True)

    take(page, "accept")
    page.get_by_test_id("action-dispatch").click()
    expect(page.locator("#gg-act-dispatch")).to_have_class("collapse show")
    expect(page.get_by_test_id("assignee")).to_have_value(str(people.worker.pk))  # to herself
    with page.expect_navigation():
        page.get_by_test_id("submit-dispatch").click()
    take(page, "start")
    take(page, "resolve", note="已帮林大娘把自行车搬到三楼家门口。", photo=True)
    expect(page.get_by_test_id("case")).to_have_attribute("data-state", "resolved")
    expect(page.get_by_test_id("rating-qr").locator("svg")).to_be_visible()
    page.get_by_test_id("rating-box").scroll_into_view_if_needed()
    shot(page, "cases-rating-link-phone.png")

    # She opens the link to show it to 林大娘 …
    with context.expect_page() as opened:
        page.get_by_test_id("open-rating").click()
    shown = opened.value
    expect(shown.get_by_test_id("rate-title")).to_have_text("帮林大娘把自行车从地下室搬上楼")
    shown.close()
    # … who rates it on her own phone.
    resident_rates(browser, live_server, rating_path(page), "小陈办事真贴心", "cases-rate-phone.png")

    page.reload()
    expect(page.get_by_test_id("case")).to_have_attribute("data-state", "closed")
    actions = page.get_by_test_id("event").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == ["report", "accept", "dispatch", "start", "resolve", "verify", "close"]
    photo = page.get_by_test_id("photo").locator("img")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 48
    expect(page.get_by_test_id("rating-result")).to_contain_text("小陈办事真贴心")
    shot(page, "cases-case-closed-phone.png", full_page=True)
    assert context.outside_requests == []  # type: ignore[attr-defined]
    context.close()

    # It never reached the police: not in the officer's inbox, no notification for him.
    officer = open_context(browser, live_server)
    desk = officer.new_page()
    log_in(desk, "linhuibing")
    for box in ("mine", "scope", "all"):
        desk.goto(f"/cases/?box={box}")
        expect(desk.get_by_test_id("tabs")).to_be_visible()
        expect(desk.get_by_text("帮林大娘把自行车从地下室搬上楼")).to_have_count(0)
    shot(desk, "cases-officer-inbox.png")
    assert not Notification.objects.filter(user=people.officer).exists()
    officer.close()


def test_story_2_tangs_supply_list_ticked_off(browser: Browser, live_server: Any, people: Personas) -> None:
    f.categories()
    grid = Grid.objects.get(code=GRID_3)
    wang = make_user("wangzhe", Role.GRID_WORKER, ScopeKind.GRIDS, full_name="王哲", grids=[grid])
    grid.workers.add(wang)
    context = open_context(browser, live_server)
    page = context.new_page()
    log_in(page, "wangzhe")
    log_case(
        page,
        channel="wechat",
        category="0102",
        title="唐女士居家隔离，代购生活物资",
        grid=GRID_3,
        reporter=("唐女士", "13900002222"),
    )
    rows = [("大米", "2", "袋"), ("面粉", "1", "斤"), ("牛奶", "3", "盒"), ("生活用品", "1", "袋")]
    for n, (name, quantity, unit) in enumerate(rows):
        if n:
            page.get_by_test_id("add-item").click()
        row = page.get_by_test_id("item-row").nth(n)
        row.locator("input[name=item_name]").fill(name)
        row.locator("input[name=item_quantity]").fill(quantity)
        row.locator("input[name=item_unit]").fill(unit)
    shot(page, "cases-intake-desktop.png", full_page=True)
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get(title="唐女士居家隔离，代购生活物资")
    assert case.channel == "wechat" and case.assignee == wang and case.items.count() == 4

    # Two tabs on the same case: the second to act is told, not overwritten.
    other = context.new_page()
    other.goto(f"/cases/{case.pk}/")
    take(page, "accept")
    other.bring_to_front()
    other.get_by_test_id("action-accept").click()
    expect(other.locator("#gg-act-accept")).to_have_class("collapse show")
    with other.expect_navigation():
        other.get_by_test_id("submit-accept").click()
    expect(other.get_by_test_id("conflict")).to_be_visible()
    shot(other, "cases-conflict-desktop.png")
    other.close()

    take(page, "dispatch")
    take(page, "start")
    ticks = page.get_by_test_id("tick")
    for n in range(4):
        ticks.nth(n).click()
        expect(page.get_by_test_id("item").nth(n)).to_have_class("gg-item is-done")
        expect(page.get_by_test_id("items-progress")).to_contain_text(f"{n + 1} / 4")
        if n == 1:
            shot(page, "cases-items-desktop.png")
    assert case.items.filter(done=True).count() == 4
    take(page, "resolve", note="四样物品已买齐，放在唐女士家门口。")
    resident_rates(browser, live_server, rating_path(page), "谢谢王哲，送得很及时", "cases-rate-tang.png")
    page.reload()
    expect(page.get_by_test_id("case")).to_have_attribute("data-state", "closed")
    shot(page, "cases-case-closed-desktop.png", full_page=True)
    page.goto("/cases/?box=all")
    expect(page.get_by_test_id("case-card")).to_have_count(1)
    shot(page, "cases-inbox-desktop.png")
    assert context.outside_requests == []  # type: ignore[attr-defined]
    context.close()


def test_a_resident_reports_from_the_contact_card(
    browser: Browser, live_server: Any, people: Personas
) -> None:
    f.categories()
    people.worker.work_phone = "0576-8611 0001"
    people.worker.save()
    f.report(people.operator, title="小区路灯不亮", channel="patrol")
    worker = open_context(browser, live_server, phone=True)
    page = worker.new_page()
    log_in(page, "chenhuiling")
    expect(page.get_by_test_id("bell").first.get_by_test_id("bell-count")).to_have_text("1")
    page.goto("/cases/")
    shot(page, "cases-inbox-phone.png")
    page.goto("/cases/card/")
    expect(page.get_by_test_id("card-qr").locator("svg")).to_be_visible()
    shot(page, "cases-contact-card.png")
    worker.close()

    resident = open_context(browser, live_server, phone=True)
    resident.grant_permissions(["geolocation"])
    resident.set_geolocation({"longitude": 121.365, "latitude": 28.365})
    page = resident.new_page()
    page.goto(f"/g/{GRID_1}/")
    expect(page.get_by_test_id("contacts")).to_contain_text("陈慧玲")
    expect(page.get_by_test_id("tel-link").first).to_have_attribute("href", "tel:057686110001")
    page.select_option("#id_category", "0301")
    page.fill("#id_title", "楼下夜里施工太吵")
    page.get_by_test_id("share-location").click()
    expect(page.locator("#gg-location-ok")).to_be_visible()
    page.fill("#id_place", "9幢4单元")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("error-reporter_phone")).to_be_visible()  # a phone number is required
    page.fill("#id_reporter_phone", "13700001111")
    shot(page, "cases-public-phone.png", full_page=True)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("public-done")).to_be_visible()
    shot(page, "cases-public-done-phone.png")
    case = Case.objects.get(title="楼下夜里施工太吵")
    assert case.channel == "contact_card" and case.grid.code == GRID_1 and case.assignee == people.worker
    assert resident.outside_requests == []  # type: ignore[attr-defined]
    resident.close()
