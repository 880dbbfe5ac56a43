"""The closed loop at the service level: story 1, story 2, triage to the police, conflicts, roles."""

from __future__ import annotations

from typing import Any

import pytest

from gridgov.cases.models import Case, CaseEvent, Notification
from gridgov.cases.services.rating import issue_link, rate
from gridgov.cases.services.transitions import Action, act, tick_item
from gridgov.core.errors import ApiError, Invalid, NotInScope
from tests.cases import factories as f
from tests.factories import Personas


@pytest.fixture
def setup(personas: Personas) -> Personas:
    f.categories()
    return personas


def step(actor: Any, case: Case, name: str, note: str = "", **extra: Any) -> Case:
    return act(actor, case.pk, Action(name, case.version, note, **extra))


def test_story_1_lin_danniangs_bicycle_stays_in_the_grid(setup: Personas) -> None:
    p = setup
    case = f.report(p.worker, reporter_name="林大娘", reporter_phone="13800001234").case
    assert (case.police, case.handler, case.assignee, case.state) == (False, "grid", p.worker, "reported")
    assert Notification.objects.filter(user=p.worker, case=case, kind="reported").exists()
    case = step(p.worker, case, "accept")
    case = step(p.worker, case, "dispatch")
    case = step(p.worker, case, "start")
    case = step(p.worker, case, "resolve", "已帮林大娘把自行车背到二楼")
    token = issue_link(p.worker, case.pk)
    case = rate(token, 5, "小陈真好", solved=True)
    assert case.state == "closed" and case.rating == 5 and case.closed_at is not None
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["report", "accept", "dispatch", "start", "resolve", "verify", "close"]
    # It never reached the police: the officer was never told and never held it.
    assert not Notification.objects.filter(user=p.officer).exists()
    with pytest.raises(ApiError):
        rate(token, 1, "", solved=False)  # the link works once


def test_story_2_supply_list_ticked_off(setup: Personas) -> None:
    p = setup
    items = [("大米", 2, "袋"), ("面粉", 1, "斤"), ("牛奶", 3, "箱"), ("日常用品", 1, "袋")]
    case = f.report(
        p.worker, category="0102", title="居家隔离，请帮忙代购", channel="wechat", items=items
    ).case
    assert [str(i) for i in case.items.all()] == ["大米 2袋", "面粉 1斤", "牛奶 3箱", "日常用品 1袋"]
    for name in ("accept", "dispatch", "start"):
        case = step(p.worker, case, name)
    with pytest.raises(Invalid) as missing:
        step(p.worker, case, "resolve", "已送到")
    assert "items" in missing.value.fields
    for item in case.items.all():
        tick_item(p.worker, item.pk, True)
    case = step(p.worker, case, "resolve", "已送到门口")
    assert rate(issue_link(p.worker, case.pk), 5, "感谢社区", solved=True).state == "closed"


def test_a_quarrel_with_a_knife_goes_to_the_police_zone(setup: Personas) -> None:
    p = setup
    case = f.report(p.worker, category="0201", title="邻居吵架，有人拿刀威胁").case
    assert case.police and case.handler == "police" and case.assignee == p.officer
    assert case.category.code == "0603"
    assert CaseEvent.objects.get(case=case, action="report").data["triage_rule"] == "可能升级为暴力"


def test_not_solved_returns_the_case_for_rework(setup: Personas) -> None:
    p = setup
    case = f.report(p.worker).case
    for name in ("accept", "dispatch", "start"):
        case = step(p.worker, case, name)
    case = step(p.worker, case, "resolve", "处理好了")
    case = rate(issue_link(p.worker, case.pk), 2, "车还在地下室", solved=False)
    assert case.state == "returned" and case.rework_count == 1 and case.rating == 2
    case = step(p.worker, case, "start")
    assert case.state == "in_progress"


def test_two_people_at_once_exactly_one_wins(setup: Personas) -> None:
    p = setup
    case = f.report(p.worker).case
    act(p.worker, case.pk, Action("accept", case.version))
    with pytest.raises(ApiError) as lost:
        act(p.operator, case.pk, Action("accept", case.version))
    assert lost.value.status == 409 and lost.value.code == "conflict"
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1


def test_wrong_state_wrong_role_and_wrong_grid_are_refused(setup: Personas) -> None:
    p = setup
    case = f.report(p.worker).case
    with pytest.raises(ApiError) as state:
        step(p.worker, case, "resolve", "x")
    assert state.value.code == "invalid_transition"
    with pytest.raises(ApiError) as role:
        step(p.worker, case, "cancel", "重复")
    assert role.value.status == 403
    with pytest.raises(NotInScope):
        step(p.other_worker, case, "accept")
    case.refresh_from_db()
    assert case.state == "reported" and case.version == 1


def test_intake_refuses_bad_input_and_stores_nothing(setup: Personas) -> None:
    p = setup
    before = Case.objects.count()
    cases: list[dict[str, Any]] = [
        dict(category="9999"),
        dict(point=(100.0, 20.0)),
        dict(title="<script></script>"),
        dict(reporter_phone="123"),
        dict(items=[("大米", -2, "袋")]),
    ]
    for bad in cases:
        with pytest.raises(Invalid):
            f.report(p.worker, **bad)
    assert Case.objects.count() == before


def test_markup_in_a_report_is_kept_as_plain_text(setup: Personas) -> None:
    case = f.report(
        setup.worker,
        title="<b>噪音</b><script>alert(1)</script>扰民",
        description="<img src=x onerror=alert(1)>晚上装修",
    ).case
    assert case.title == "噪音alert(1)扰民" and case.description == "晚上装修"


def test_a_nearby_open_case_of_the_same_category_is_offered_for_merging(setup: Personas) -> None:
    p = setup
    first = f.report(p.worker, category="0301", title="楼上装修噪音").case
    second = f.report(p.worker, category="0301", title="装修太吵", point=(121.3651, 28.3651))
    assert [c.pk for c in second.duplicates] == [first.pk]
    elsewhere = f.report(p.worker, category="0301", title="噪音", point=(121.369, 28.369))
    assert elsewhere.duplicates == []
    merged = step(p.worker, second.case, "merge", into_id=first.pk)
    assert merged.state == "merged" and merged.merged_into_id == first.pk
