"""Stories 3 and 4 of domain.md end to end in headless Chromium.

3. A cadre of a village (吴山村 in the source; village B of the small map) records the hillside
   greenway proposal, holds a meeting, decides with a four-source funding plan that adds up, and
   reports progress to completion.
4. Grid worker 陈慧玲, on a phone, screens a neighbours' quarrel, mediates on the spot and signs an
   agreement she prints; a second quarrel that could turn violent goes to officer 林会兵, who sees it
   in his list, answers and joins.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from gridgov.mediation.defaults import ensure_risk_levels
from gridgov.mediation.models import Dispute
from tests.browser import ARTIFACTS, _async_unsafe, browser, log_in, open_context, people, shot
from tests.cases import factories as cf
from tests.factories import Personas
from tests.people import factories as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["_async_unsafe", "browser", "people"]  # fixtures, used by name


@pytest.fixture
def story(people: Personas) -> Personas:
    cf.categories()
    ensure_risk_levels()
    return people


def to_mediation(page: Page, phone: bool = False) -> None:
    """Through the top bar, as a person would (on a phone the menu opens first)."""
    if phone:
        page.get_by_role("button", name="菜单").tap()
    page.get_by_test_id("nav-mediation").click()
    expect(page.get_by_test_id("page-title")).to_have_text("矛盾纠纷")


def test_story_3_the_greenway_consultation(browser: Browser, live_server: Any, story: Personas) -> None:
    context = open_context(browser, live_server)
    page = context.new_page()
    log_in(page, "cadre_b")
    to_mediation(page)
    page.get_by_test_id("subnav-consultations").click()
    page.get_by_test_id("new-consultation").click()
    page.fill("#id_title", "环山休闲绿道")
    page.fill("#id_proposal", "村民希望沿后山修建环山休闲绿道，方便老人散步、孩子游玩，也带动农家乐。")
    page.fill("#id_proposed_by", "村民代表12人联名")
    page.get_by_test_id("save-proposal").click()
    expect(page.get_by_test_id("status")).to_have_text("已提议")

    meeting = page.get_by_test_id("action-meeting")
    meeting.locator("#id_attendance").fill("35")
    meeting.locator("#id_place").fill("村矛调中心会议室")
    meeting.locator("#id_attendees").fill("村两委、村民代表、街道驻村干部、企业代表")
    meeting.locator("#id_minutes").fill("讨论绿道线路与筹资方式：群众自筹、村级出点、企业帮扶、街道补助。")
    page.get_by_test_id("save-meeting").click()
    expect(page.get_by_test_id("meeting")).to_contain_text("35")
    expect(page.get_by_test_id("status")).to_have_text("恳谈中")

    decide = page.get_by_test_id("decide-form")
    decide.locator("#id_decision").fill("通过建设环山休闲绿道，全长3.2公里，年内完工。")
    decide.get_by_test_id("plan-total").fill("1000000")
    amounts = decide.get_by_test_id("share-amount")
    who = ["全村126户村民", "村股份经济合作社", "温岭某旅游开发公司", "城西街道"]
    for n, amount in enumerate(["200000", "300000", "250000", "200000"]):
        amounts.nth(n).fill(amount)
        decide.locator("[name=share_contributor]").nth(n).fill(who[n])
    # The running sum shows the gap before anything is sent ...
    expect(decide.get_by_test_id("plan-sum")).to_have_text("950,000.00")
    expect(decide.get_by_test_id("plan-status")).to_have_text("比总投资少 50,000.00 元")
    page.get_by_test_id("save-decision").click()
    # ... and the server, the authority, refuses a plan that does not add up.
    expect(page.get_by_test_id("plan-error")).to_contain_text("与总投资 1000000.00 元不符")
    decide = page.get_by_test_id("decide-form")
    decide.get_by_test_id("share-amount").nth(3).fill("250000")
    expect(decide.get_by_test_id("plan-status")).to_have_text("各项合计与总投资一致。")
    decide.scroll_into_view_if_needed()
    shot(page, "mediation-consultation-plan-form.png")
    page.get_by_test_id("save-decision").click()
    expect(page.get_by_test_id("status")).to_have_text("已决定")
    expect(page.get_by_test_id("plan-table")).to_contain_text("街道补助")
    expect(page.get_by_test_id("plan-total-shown")).to_have_text("1,000,000.00")
    expect(page.get_by_test_id("plan-pie")).to_have_attribute("data-ready", "1")

    for percent, note in (("60", "路基和排水完成"), ("100", "绿道建成，路灯和休息亭投用")):
        form = page.get_by_test_id("action-progress")
        if form.get_attribute("open") is None:
            form.locator("summary").click()
        form.locator("#id_percent").fill(percent)
        form.locator("#id_note").fill(note)
        page.get_by_test_id("save-progress").click()
        expect(page.get_by_test_id("progress-bar")).to_contain_text(f"{percent}%")
    expect(page.get_by_test_id("status")).to_have_text("已完成")
    shot(page, "mediation-consultation.png", full_page=True)
    assert context.outside_requests == []  # type: ignore[attr-defined]
    context.close()


def pick(page: Page, mode: str, query: str, name: str) -> None:
    page.get_by_test_id(f"people-search-{mode}").fill(query)
    page.get_by_test_id("people-results").get_by_text(name).click()


def print_to_pdf(page: Page) -> None:
    """The agreement as the printer gets it: A4 PDF, then a picture of its page to look at."""
    pdf = ARTIFACTS / "mediation-agreement.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    # Debian's poppler-utils (installed by `make browser`): a picture to look at, and the page count.
    assert shutil.which("pdftoppm") and shutil.which("pdfinfo"), (
        "poppler-utils is missing: run `make browser`"
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(ARTIFACTS / "mediation-agreement")],
        check=True,
    )
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info and "A4" in info, info


def test_story_4_a_quarrel_settled_on_the_spot_and_one_for_the_police(
    browser: Browser, live_server: Any, story: Personas
) -> None:
    p = story
    building = pf.building(p.worker)
    pf.register(p.worker, pf.household(p.worker, building, room="201"), "张桂英", pf.LIN_DANIANG_ID)
    upstairs = pf.household(p.worker, building, room="301")
    pf.register(p.worker, upstairs, "李建国", pf.TANG_ID)
    context = open_context(browser, live_server, phone=True)
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"longitude": cf.GRID_1_POINT[0], "latitude": cf.GRID_1_POINT[1]})
    page = context.new_page()
    log_in(page, "chenhuiling")
    to_mediation(page, phone=True)
    page.get_by_test_id("subnav-screening").tap()

    # A clue first: what she heard on her round, about the two neighbours.
    clue = page.get_by_test_id("clue-form")
    clue.locator("label.md-segment--incipient").tap()
    clue.locator("#id_description").fill("9幢4单元张桂英与楼上李建国因楼道堆物多次争吵")
    clue.locator("#id_source").fill("邻居王阿姨反映")
    pick(page, "clue", "张桂英", "张桂英")
    pick(page, "clue", "李建国", "李建国")
    expect(clue.get_by_test_id("picked").locator("li")).to_have_count(2)
    shot(page, "mediation-phone-clue.png", full_page=True)
    page.get_by_test_id("save-clue").tap()
    expect(page.get_by_test_id("messages")).to_contain_text("线索已保存")

    # Then the dispute, with both parties from the registry, mediated at once.
    page.get_by_test_id("tab-dispute").tap()
    form = page.get_by_test_id("dispute-form")
    form.locator("#id_title").fill("邻里争吵：楼道堆放杂物")
    form.locator("#id_matter").fill("张桂英在楼道堆放纸箱杂物，楼上李建国多次清理，双方争吵。")
    pick(page, "dispute", "张", "张桂英")
    pick(page, "dispute", "李", "李建国")
    page.get_by_test_id("locate").tap()
    expect(form.locator("[data-locate-status]")).to_have_text("已获取位置")
    shot(page, "mediation-phone-screening.png", full_page=True)
    page.get_by_test_id("save-dispute").tap()
    expect(page.get_by_test_id("current-tier")).to_contain_text("网格联户评事")
    session = page.get_by_test_id("action-session")
    session.locator("#id_place").fill("9幢4单元楼道")
    session.locator("#id_attendees").fill("陈慧玲、张桂英、李建国、邻居王阿姨")
    session.locator("#id_summary").fill("现场查看楼道，双方同意杂物三日内清理，今后楼道保持通畅。")
    session.get_by_role("button", name="保存调解记录").tap()
    expect(page.get_by_test_id("session")).to_contain_text("9幢4单元楼道")
    shot(page, "mediation-phone-dispute.png")

    page.get_by_test_id("make-agreement").tap()
    agreement = page.get_by_test_id("agreement-form")
    agreement.locator("#id_matters").fill(
        "楼道属公共区域，张桂英堆放杂物负主要责任；李建国擅自丢弃他人物品亦有不当。"
    )
    agreement.locator("#id_terms").fill(
        "一、张桂英于三日内清理楼道杂物，今后不在楼道堆放；\n二、李建国不再擅自处理他人物品；\n三、双方互相谅解，和睦相处。"
    )
    agreement.locator("#id_performance_manner").fill("张桂英自行清理，网格员现场查看")
    agreement.locator("#id_parties_signed").check()
    agreement.locator("#id_committee_sealed").check()
    page.get_by_test_id("sign").tap()
    expect(page.get_by_test_id("agreement")).to_contain_text("已生效")
    expect(page.get_by_test_id("confirmation-note")).to_contain_text("司法确认")
    page.get_by_test_id("agreement").scroll_into_view_if_needed()
    shot(page, "mediation-phone-agreement.png")
    with context.expect_page() as opened:
        page.get_by_test_id("print-link").tap()
    sheet = opened.value
    expect(sheet.get_by_test_id("doc-title")).to_have_text("人民调解协议书")
    expect(sheet.get_by_test_id("doc-party")).to_have_count(2)
    expect(sheet.get_by_test_id("doc-confirmation")).to_contain_text("三十日内")
    print_to_pdf(sheet)
    sheet.close()

    # A second quarrel that could turn violent: the police zone is told at once.
    page.goto("/mediation/screening/?tab=dispute")
    form = page.get_by_test_id("dispute-form")
    form.locator("#id_title").fill("邻里纠纷：一方扬言报复")
    form.locator("#id_matter").fill("王某与赵某因车位争执，王某扬言要报复，情绪激动。")
    form.get_by_test_id("risk-orange").check(force=True)
    page.get_by_test_id("violence-switch").tap()
    names = form.locator("[data-party-name]")
    names.nth(0).fill("王某")
    form.locator("[name=party_phone]").nth(0).fill("13912345678")
    names.nth(1).fill("赵某")
    page.get_by_test_id("save-dispute").tap()
    expect(page.get_by_test_id("referral-waiting")).to_be_visible()
    expect(page.get_by_test_id("police")).to_contain_text("林会兵")
    shot(page, "mediation-phone-police.png")
    context.close()

    officer = open_context(browser, live_server)
    page = officer.new_page()
    log_in(page, "linhuibing")
    to_mediation(page)
    risky = Dispute.objects.get(case__title="邻里纠纷：一方扬言报复")
    row = page.get_by_test_id(f"dispute-{risky.pk}")
    expect(row.get_by_test_id("police-badge")).to_have_text("警务区：待回复")
    shot(page, "mediation-officer-list.png")
    row.click()
    page.get_by_test_id("answer-form").locator("textarea").fill(
        "已上门对王某进行法治教育和警示，双方情绪稳定，将参与后续调解。"
    )
    page.get_by_role("button", name="回复并参与处置").click()
    expect(page.get_by_test_id("referral-answer")).to_contain_text("已上门")
    expect(page.get_by_test_id("participants")).to_contain_text("林会兵")
    shot(page, "mediation-officer-answered.png", full_page=True)
    assert officer.outside_requests == []  # type: ignore[attr-defined]
    officer.close()
