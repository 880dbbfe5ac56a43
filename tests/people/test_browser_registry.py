"""The registry end to end in headless Chromium: a grid worker on her phone registers a newcomer and
finds him again by his initials; on a desk, a resident's numbers are unmasked with a reason."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from gridgov.core.models import AuditEntry
from gridgov.people.models import ResidenceRegistration, Resident, ResidentTag
from gridgov.people.services.residents import RegistrationInput
from tests.browser import _async_unsafe, browser, log_in, open_context, people, shot
from tests.factories import Personas
from tests.people import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["_async_unsafe", "browser", "people"]  # fixtures, used by name

GRID_1 = "331081001001001"
NEWCOMER = "赵新民"
NEWCOMER_ID = f.resident_id("19960815", "993", area="511702")  # a man (odd sequence digit), from Sichuan


def open_menu_item(page: Page, testid: str) -> None:
    page.get_by_role("button", name="菜单").tap()
    page.get_by_test_id(testid).tap()


def test_grid_worker_registers_a_newcomer_on_her_phone(
    browser: Browser, live_server: Any, people: Personas
) -> None:
    f.building(people.worker)  # 9幢, already on the map of her grid
    context = open_context(browser, live_server, phone=True)
    page = context.new_page()
    log_in(page, "chenhuiling")

    # 我的网格 → her grid's buildings → 9幢
    open_menu_item(page, "nav-mine")
    expect(page.get_by_test_id("page-title")).to_have_text("我的网格")
    expect(page.get_by_test_id("my-grids")).to_contain_text("东辉社区第1网格")
    shot(page, "registry-phone-mine.png", full_page=True)
    page.get_by_test_id("open-grid").tap()
    expect(page.get_by_test_id("page-title")).to_have_text("东辉社区第1网格")
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("东辉社区")
    shot(page, "registry-phone-grid.png")
    page.get_by_test_id("children").locator(".gg-row-name", has_text="9幢").tap()

    # A new household: 4单元 302
    page.get_by_test_id("add-household").tap()
    page.fill("#id_unit", "4单元")
    page.get_by_test_id("submit").tap()
    expect(page.get_by_test_id("error-room")).to_have_text("请填写房号。")  # stored nothing, said why
    page.fill("#id_room", "302")
    page.get_by_test_id("submit").tap()
    expect(page.get_by_test_id("page-title")).to_have_text("东辉小区9幢 4单元 302")
    expect(page.get_by_test_id("messages")).to_contain_text("已新增住户")
    shot(page, "registry-phone-household.png")

    # Register the newcomer: the ID number fills birth date and gender as it is typed.
    page.get_by_test_id("register-resident").tap()
    page.fill("#id_name", NEWCOMER)
    number = page.locator("#id_document_number")
    number.press_sequentially(NEWCOMER_ID[:-1] + ("0" if NEWCOMER_ID[-1] != "0" else "1"))
    expect(page.get_by_test_id("error-document_number")).to_contain_text("校验位不正确")
    number.fill(NEWCOMER_ID)
    expect(page.get_by_test_id("error-document_number")).to_have_text("")
    expect(page.locator("#id_birth_date")).to_have_value("1996-08-15")
    expect(page.locator("#id_gender_0")).to_be_checked()  # 男
    expect(page.get_by_test_id("id-hint")).to_contain_text("1996-08-15")
    # The server checks each field as it is left (htmx): a wrong phone is flagged at once.
    page.fill("#id_phone", "12345")
    page.locator("#id_workplace").tap()
    expect(page.get_by_test_id("error-phone")).to_have_text("这不是有效的电话号码。")
    page.fill("#id_phone", "139 1234 5678")
    page.locator("#id_workplace").tap()
    expect(page.get_by_test_id("error-phone")).to_have_text("")
    page.fill("#id_workplace", "东辉五金厂")
    page.select_option("#id_relation", "tenant")
    expect(page.get_by_test_id("registration-fields")).to_be_hidden()
    page.locator("label[for=id_kind_1]").tap()  # 流动人口
    expect(page.get_by_test_id("registration-fields")).to_be_visible()
    end = timezone.localdate() + dt.timedelta(days=180)
    page.fill("#id_expected_end", end.isoformat())
    page.fill("#id_landlord_name", "张房东")
    page.fill("#id_landlord_phone", "13900001111")
    page.locator("#id_landlord_name").tap()
    page.wait_for_timeout(300)  # let the last field's check land before the pictures
    page.locator("#id_name").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "registry-phone-form.png")
    page.get_by_test_id("registration-fields").scroll_into_view_if_needed()
    shot(page, "registry-phone-form-floating.png")
    page.get_by_test_id("submit").tap()

    # The card: masked, with the registration.
    expect(page.get_by_test_id("resident-name")).to_have_text(NEWCOMER)
    expect(page.get_by_test_id("resident-kind")).to_have_text("流动人口")
    expect(page.get_by_test_id("card-document")).to_have_text("511702********" + NEWCOMER_ID[-4:])
    expect(page.get_by_test_id("card-registrations")).to_contain_text("张房东")
    shot(page, "registry-phone-card.png", full_page=True)
    resident = Resident.objects.get(name=NEWCOMER)
    assert resident.kind == "floating" and resident.household is not None
    assert resident.household.address == "东辉小区9幢 4单元 302"
    assert ResidenceRegistration.objects.get(resident=resident).expected_end == end

    # Found again by his initials, from the search button next to the menu.
    page.get_by_test_id("nav-search-link").tap()
    page.get_by_test_id("search-page-input").press_sequentially("zxm", delay=60)
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text(NEWCOMER)
    expect(results).to_contain_text("511702********")
    expect(page).to_have_url(re.compile(r"/registry/search/\?q=zxm$"))
    page.get_by_test_id("search-page-input").blur()  # the phone keyboard would cover the results
    shot(page, "registry-phone-search.png")
    results.get_by_text(NEWCOMER).tap()
    expect(page.get_by_test_id("resident-name")).to_have_text(NEWCOMER)
    assert NEWCOMER_ID not in page.content()
    assert context.outside_requests == []  # type: ignore[attr-defined]
    context.close()


def test_resident_card_unmasked_with_a_reason_on_a_desk(
    browser: Browser, live_server: Any, people: Personas
) -> None:
    home = f.household(people.worker, f.building(people.worker))
    tags = f.tags()
    lin = f.register(people.worker, home, "林大娘", f.LIN_DANIANG_ID, phone="13800001234")
    ResidentTag.objects.create(
        resident=lin, tag=tags["elderly_alone"], start=dt.date(2023, 5, 1), note="子女在外地"
    )
    start = timezone.localdate() - dt.timedelta(days=400)
    f.register(
        people.worker,
        home,
        "张新来",
        f.NEWCOMER_ID,
        kind="floating",
        relation="tenant",
        registration=RegistrationInput(
            start=start, expected_end=start + dt.timedelta(days=365), landlord_name="林大娘"
        ),
        moved_in=start,
    )
    context = open_context(browser, live_server)
    page = context.new_page()
    log_in(page, "chenhuiling")
    page.get_by_test_id("nav-mine").click()
    expect(page.get_by_test_id("lapsed")).to_contain_text("张新来")
    expect(page.get_by_test_id("figure-lapsed_registrations")).to_have_attribute("data-value", "1")
    shot(page, "registry-desktop-mine.png", full_page=True)

    page.get_by_test_id("tagged").get_by_text("林大娘").click()
    card = page.get_by_test_id("resident-card")
    expect(card.get_by_test_id("card-document")).to_have_text("331081********" + f.LIN_DANIANG_ID[-4:])
    expect(card).to_contain_text("独居老人")
    shot(page, "registry-desktop-card.png", full_page=True)

    page.get_by_test_id("unmask-button").click()
    dialog = page.get_by_test_id("unmask-dialog")
    expect(dialog).to_be_visible()
    page.get_by_test_id("unmask-submit").click()
    expect(page.get_by_test_id("unmask-error")).to_have_text("请说明查看的事由。")
    page.get_by_test_id("unmask-reason").fill("上门核实身份")
    page.wait_for_timeout(300)
    shot(page, "registry-desktop-unmask-dialog.png")
    page.get_by_test_id("unmask-submit").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".modal-backdrop")).to_have_count(0)
    expect(page.get_by_test_id("card-document")).to_have_text(f.LIN_DANIANG_ID)
    expect(page.get_by_test_id("card-phone")).to_have_text("13800001234")
    expect(page.get_by_test_id("unmask-note")).to_contain_text("上门核实身份")
    shot(page, "registry-desktop-unmasked.png")
    entry = AuditEntry.objects.filter(action="view", object_id=str(lin.pk)).exclude(reason="").get()
    assert entry.reason == "上门核实身份" and entry.actor_name == "chenhuiling"

    # The figures of her grid, as a chart and a table.
    page.get_by_test_id("nav-mine").click()
    page.get_by_test_id("figures-link").click()
    expect(page.get_by_test_id("figures-chart")).to_have_attribute("data-state", "ready")
    expect(page.get_by_test_id("figures-table")).to_contain_text("东辉社区第1网格")
    shot(page, "registry-desktop-figures.png", full_page=True)
    assert context.outside_requests == []  # type: ignore[attr-defined]
    context.close()


def test_grid_worker_places_a_building_on_the_map(
    browser: Browser, live_server: Any, people: Personas
) -> None:
    context = open_context(browser, live_server, phone=True)
    page = context.new_page()
    log_in(page, "chenhuiling")
    page.goto(f"/registry/grid/{GRID_1}/")
    page.get_by_test_id("add-link").tap()
    page.fill("#id_name", "12幢")
    page.fill("#id_address", "东辉小区12幢")
    page.fill("#id_floors", "18")
    picker = page.get_by_test_id("building-picker")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    assert box is not None
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#id_lng")).not_to_have_value("")
    expect(page.locator("#picker-hint")).to_contain_text("已选位置")
    page.wait_for_timeout(300)
    shot(page, "registry-phone-building.png")
    page.get_by_test_id("submit").tap()
    expect(page.get_by_test_id("page-title")).to_contain_text("12幢")
    expect(page.get_by_test_id("page-title")).to_contain_text("高层")  # 18 floors
    assert context.outside_requests == []  # type: ignore[attr-defined]
    context.close()
