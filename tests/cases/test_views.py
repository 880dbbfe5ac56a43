"""The case pages with the Django client: scope, versions and roles, the resident's pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from gridgov.cases.models import Case, Notification
from gridgov.cases.services import rating
from gridgov.cases.services.transitions import Action, act
from gridgov.demo.cases import load_cases
from tests.cases import factories as f
from tests.factories import Personas, SmallMap

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
GRID_1 = "331081001001001"
CALL = {"channel": "phone", "category": "0101", "title": "帮忙搬自行车"}
POINT = {"lng": "121.365", "lat": "28.365", "crs": "wgs84"}


@pytest.fixture
def setup(personas: Personas) -> Personas:
    f.categories()
    return personas


def body(response: Any) -> str:
    return str(response.content.decode())


def photo(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def walk(actor: Any, case: Case, *names: str, note: str = "") -> Case:
    for name in names:
        case = act(actor, case.pk, Action(name, case.version, note))
    return case


def post_act(client: Client, case: Case, action: str, **data: Any) -> Any:
    """Send an action's form as the page does: with the case's current version unless told."""
    case.refresh_from_db()
    return client.post(f"/cases/{case.pk}/act/", {"action": action, "version": case.version, **data})


def test_the_inbox_lists_only_cases_in_scope(setup: Personas, client_for: Any) -> None:
    mine = f.report(setup.worker, title="楼道灯坏了").case
    theirs = f.report(setup.other_worker, title="井盖松动", point=f.GRID_2_POINT).case
    client = client_for(setup.worker)
    for box in ("mine", "scope", "all"):
        page = body(client.get(f"/cases/?box={box}"))
        assert "楼道灯坏了" in page and "井盖松动" not in page, box
    assert "井盖松动" in body(client_for(setup.other_worker).get("/cases/?box=scope"))
    assert any(word in body(client.get("/cases/")) for word in ("本网格", "This grid"))
    assert mine.pk != theirs.pk


def test_another_grids_worker_gets_404_for_the_case_and_its_photo(setup: Personas, client_for: Any) -> None:
    case = f.report(setup.worker, photos=[photo()]).case
    attachment = case.attachments.get()
    own = client_for(setup.worker)
    assert own.get(f"/cases/{case.pk}/").status_code == 200
    served = own.get(f"/cases/attachments/{attachment.pk}")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    other = client_for(setup.other_worker)
    assert other.get(f"/cases/{case.pk}/").status_code == 404
    assert other.get(f"/cases/attachments/{attachment.pk}").status_code == 404
    assert Client().get(f"/cases/attachments/{attachment.pk}").status_code == 302  # to the log-in page


def test_the_officer_sees_police_cases_of_his_zone_only(setup: Personas, client_for: Any) -> None:
    theft = f.report(setup.worker, category="0601", title="电动车被偷了").case
    bicycle = f.report(setup.worker, title="帮忙搬自行车").case
    elsewhere = f.report(setup.other_worker, category="0601", title="店里失窃", point=f.GRID_2_POINT).case
    assert theft.police and theft.assignee == setup.officer and not bicycle.police
    client = client_for(setup.officer)
    for box in ("mine", "scope", "all"):
        page = body(client.get(f"/cases/?box={box}"))
        assert "电动车被偷了" in page and "帮忙搬自行车" not in page and "店里失窃" not in page, box
    assert 'data-testid="police-badge"' in body(client.get(f"/cases/{theft.pk}/"))
    assert client.get(f"/cases/{elsewhere.pk}/").status_code == 404


def test_actions_need_the_current_version_and_the_right_role(setup: Personas, client_for: Any) -> None:
    case = f.report(setup.worker).case
    client = client_for(setup.worker)
    page = body(client.get(f"/cases/{case.pk}/"))
    assert 'data-testid="action-accept"' in page and 'data-testid="action-cancel"' not in page
    assert post_act(client, case, "accept").status_code == 302
    stale = post_act(client, case, "dispatch", version=1)
    assert (
        stale.status_code == 409
        and 'data-testid="conflict"' in body(stale)
        and 'data-testid="reload"' in body(stale)
    )
    assert Case.objects.get(pk=case.pk).state == "accepted"
    assert post_act(client, case, "dispatch", assignee_id=setup.worker.pk).status_code == 302
    # Only the assignee (or a supervisor) starts the work: the zone's officer may not.
    refused = post_act(client_for(setup.officer), case, "start")
    assert refused.status_code == 403 and 'data-testid="action-error"' in body(refused)
    assert post_act(client, case, "start").status_code == 302
    # Resolving needs a note: the form comes back with the reason and what was typed kept.
    empty = post_act(client, case, "resolve", note=" ")
    assert empty.status_code == 400 and 'data-testid="action-error"' in body(empty)


def test_resolve_with_a_photo_then_the_resident_rates_once(setup: Personas, client_for: Any) -> None:
    case = walk(
        setup.worker, f.report(setup.worker, reporter_phone="13800001234").case, "accept", "dispatch", "start"
    )
    client = client_for(setup.worker)
    assert post_act(client, case, "resolve", note="已背到二楼", photos=[photo()]).status_code == 302
    page = body(client.get(f"/cases/{case.pk}/"))
    assert 'data-testid="rating-box"' in page and "138****1234" in page and "13800001234" not in page
    match = re.search(r'value="([^"]*/rate/[^"]+)"', page)
    assert match, "the rating link is shown"
    path = match.group(1)[match.group(1).index("/rate/") :]
    assert "<svg" in page.split('data-testid="rating-qr"')[1][:200]  # the QR code (segno)
    resident = Client()
    assert resident.get(path).status_code == 200
    assert resident.post(path, {"score": "9", "solved": "yes"}).status_code == 400
    thanks = resident.post(path, {"score": "5", "solved": "yes", "comment": "谢谢小陈"})
    assert thanks.status_code == 200 and 'data-testid="rate-done"' in body(thanks)
    case.refresh_from_db()
    assert case.state == "closed" and case.rating == 5 and case.rating_comment == "谢谢小陈"
    used = resident.get(path)
    assert used.status_code == 404 and 'data-testid="rate-used"' in body(used)
    assert 'data-testid="rating-result"' in body(client.get(f"/cases/{case.pk}/"))


def test_not_solved_sends_it_back_for_rework(setup: Personas) -> None:
    case = walk(setup.worker, f.report(setup.worker).case, "accept", "dispatch", "start")
    case = walk(setup.worker, case, "resolve", note="修好了")
    token = rating.issue_link(setup.worker, case.pk)
    answer = Client().post(f"/rate/{token}", {"score": "2", "solved": "no", "comment": "还是坏的"})
    assert answer.status_code == 200
    case.refresh_from_db()
    assert case.state == "returned" and case.rework_count == 1


def test_items_are_ticked_off_one_by_one(setup: Personas, client_for: Any) -> None:
    items = [("大米", 2, "袋"), ("面粉", 1, "斤")]
    case = f.report(setup.worker, category="0102", title="隔离物资代购", items=items).case
    client = client_for(setup.worker)
    first = case.items.first()
    assert first is not None
    early = client.post(f"/cases/{case.pk}/items/{first.pk}/", {"done": "1"}, HTTP_ACCEPT="application/json")
    assert early.status_code == 409  # not while it is only reported
    walk(setup.worker, case, "accept", "dispatch", "start")
    ticked = client.post(f"/cases/{case.pk}/items/{first.pk}/", {"done": "1"}, HTTP_ACCEPT="application/json")
    assert ticked.json() == {"id": first.pk, "done": True, "ticked": 1, "total": 2}
    plain = client.post(f"/cases/{case.pk}/items/{first.pk}/", {"done": "0"})
    assert plain.status_code == 302 and not case.items.get(pk=first.pk).done
    other = client_for(setup.other_worker).post(f"/cases/{case.pk}/items/{first.pk}/", {"done": "1"})
    assert other.status_code == 404


def test_staff_intake_form_with_items_and_a_duplicate(setup: Personas, client_for: Any) -> None:
    client = client_for(setup.worker)
    assert client.get("/cases/new/").status_code == 200
    names, quantities, units = ["大米", "面粉", "", "牛奶"], ["2", "1", "", "3"], ["袋", "斤", "", "盒"]
    data = {**POINT, "item_name": names, "item_quantity": quantities, "item_unit": units}  # blank rows drop
    data |= {"channel": "wechat", "category": "0102", "title": "唐女士居家隔离物资"}
    assert client.post("/cases/new/", data).status_code == 302
    case = Case.objects.get(title="唐女士居家隔离物资")
    assert case.channel == "wechat" and case.items.count() == 3
    again = client.post("/cases/new/", data)
    assert again.status_code == 302 and again["Location"].endswith("?new=1")
    page = body(client.get(again["Location"]))
    assert 'data-testid="duplicates"' in page and case.number in page


def test_staff_intake_form_shows_what_is_missing(setup: Personas, client_for: Any) -> None:
    client = client_for(setup.worker)
    answer = client.post("/cases/new/", {**CALL, "title": "无地点"})
    assert answer.status_code == 400 and 'data-testid="error-place"' in body(answer)
    item = {"item_name": ["大米"], "item_quantity": ["-2"], "item_unit": ["袋"]}
    bad_item = client.post("/cases/new/", {**CALL, **POINT, **item})
    assert bad_item.status_code == 400 and 'data-testid="error-items"' in body(bad_item)
    assert client_for(setup.cadre).get("/cases/new/").status_code == 200
    assert Case.objects.count() == 0


def test_the_place_picker_keeps_to_the_readers_grids(setup: Personas, client_for: Any) -> None:
    from tests.people import factories as places

    household = places.household(setup.worker, places.building(setup.worker))
    found = client_for(setup.worker).get("/cases/places/", {"q": "9幢"}).json()["results"]
    assert {(r["kind"], r["label"]) for r in found} == {
        ("building", "东辉小区9幢"),
        ("household", household.address),
    }
    outsider = client_for(setup.other_worker)
    assert outsider.get("/cases/places/", {"q": "9幢"}).json()["results"] == []
    refused = outsider.post("/cases/new/", {**CALL, "household_id": household.pk})
    assert refused.status_code == 400 and 'data-testid="error-place"' in body(refused)
    assert (
        client_for(setup.worker).post("/cases/new/", {**CALL, "household_id": household.pk}).status_code
        == 302
    )
    case = Case.objects.get()
    assert case.household == household and case.address == household.address and case.grid.code == GRID_1


def test_the_public_page_takes_a_report_without_an_account(setup: Personas, small_map: SmallMap) -> None:
    setup.worker.work_phone = "0576-8611 0001"
    setup.worker.save()
    resident = Client(enforce_csrf_checks=True)
    page = resident.get(f"/g/{GRID_1}/")
    assert page.status_code == 200 and "陈慧玲" in body(page) and 'href="tel:057686110001"' in body(page)
    assert "盗窃" not in body(page)  # police matters are for 110, not the contact card
    device = page.cookies["gg_device"].value
    token = page.cookies["csrftoken"].value
    form = {
        "csrfmiddlewaretoken": token,
        "category": "0301",
        "title": "楼下夜里施工太吵",
        "place": "9幢4单元",
    }
    missing = resident.post(f"/g/{GRID_1}/", form)
    assert missing.status_code == 400 and 'data-testid="error-reporter_phone"' in body(missing)
    sent = resident.post(f"/g/{GRID_1}/", {**form, "reporter_phone": "13700001111", "photos": [photo()]})
    assert sent.status_code == 201 and 'data-testid="public-done"' in body(sent)
    case = Case.objects.get(title="楼下夜里施工太吵")
    reporter = case.reporters.get()
    assert case.channel == "contact_card" and case.grid.code == GRID_1 and reporter.account is None
    assert (
        reporter.device == device and reporter.phone_masked == "137****1111" and case.attachments.count() == 1
    )
    forged = Client(enforce_csrf_checks=True).post(f"/g/{GRID_1}/", {**form, "reporter_phone": "13700001111"})
    assert forged.status_code == 403  # CSRF is on


def test_the_public_form_is_rate_limited_kindly(setup: Personas) -> None:
    resident = Client()
    resident.get(f"/g/{GRID_1}/")
    form = {"category": "0301", "title": "噪音", "place": "9幢", "reporter_phone": "13700002222"}
    for _n in range(5):
        assert resident.post(f"/g/{GRID_1}/", form).status_code == 201
    limited = resident.post(f"/g/{GRID_1}/", form)
    assert limited.status_code == 429 and 'data-testid="rate-limited"' in body(limited)
    assert resident.get("/g/000000000000000/").status_code == 404


def test_notifications_bell_and_list(setup: Personas, client_for: Any) -> None:
    f.report(setup.operator, title="新事件通知")
    client = client_for(setup.worker)
    assert client.get("/cases/notifications/unread").json() == {"unread": 1}
    page = body(client.get("/cases/notifications/"))
    assert "新事件通知" in page and "is-fresh" in page
    assert client.get("/cases/notifications/unread").json() == {"unread": 0}
    assert not Notification.objects.filter(user=setup.worker, read_at=None).exists()
    assert 'data-testid="bell"' in body(client.get("/cases/"))


def test_the_contact_card_links_to_the_grids_public_page(setup: Personas, client_for: Any) -> None:
    page = body(client_for(setup.worker).get("/cases/card/"))
    assert f"/g/{GRID_1}/" in page and "<svg" in page and "陈慧玲" in page
    assert 'data-testid="contact-card"' not in body(client_for(setup.officer).get("/cases/card/"))


def test_the_back_office_reads_cases_and_edits_categories(setup: Personas, client_for: Any) -> None:
    case = f.report(setup.worker).case
    admin = client_for(setup.admin)
    for name in ("category", "triagerule", "department", "webhookendpoint", "case", f"case/{case.pk}/change"):
        assert admin.get(f"/admin/cases/{name}/").status_code == 200, name
    assert admin.get("/admin/cases/case/add/").status_code == 403
    assert admin.post(f"/admin/cases/case/{case.pk}/change/", {"title": "改"}).status_code == 403
    assert client_for(setup.worker).get("/admin/cases/case/").status_code == 302


def test_the_demo_cases_load_once(db: Any, settings: Any) -> None:
    settings.GRIDGOV_DEMO_PASSWORD = "Demo-pass-2026"
    call_command("demo", verbosity=0)  # the demo loads its cases
    demo = Case.objects.filter(external_id__startswith="demo-")
    assert demo.count() >= 20 and load_cases() == 0
    states = set(demo.values_list("state", flat=True))
    assert {"closed", "in_progress", "reported", "resolved", "returned", "escalated"} <= states
    lin = demo.get(external_id="demo-lin-bicycle")
    assert lin.state == "closed" and lin.rating == 5 and lin.assignee is not None
    assert lin.assignee.username == "chenhuiling" and not lin.police
    tang = demo.get(external_id="demo-tang-supplies")
    assert tang.items.count() == 4 and tang.items.filter(done=True).count() == 2
    assert demo.get(external_id="demo-charging").assignee.username == "taiping_xiaofang"  # type: ignore[union-attr]
    assert demo.get(external_id="demo-knife-threat").police
    assert demo.filter(reported_at__lt=lin.closed_at).count() > 10  # a history, not one instant
