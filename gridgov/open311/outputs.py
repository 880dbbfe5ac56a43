"""A case as Open311 shows it to anyone: status, service, place, times — and no personal data.

Reads are public by the spec, so what leaves here is checked for people: reporters are never named,
phone and ID numbers in free text are masked, reporters' names in handlers' notes are masked, and a
case located at a household shows its building only. Sensitive services (see services.py) and police
matters show their status, service and area, nothing of what was said or exactly where.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from gridgov.cases.models import Case, CaseEvent, Category, Reporter
from gridgov.cases.models.case import FINAL_STATES, Channel, Level, State
from gridgov.cases.models.categories import HandlerKind
from gridgov.core.masking import mask_name, mask_text
from gridgov.open311.render import Value
from gridgov.open311.services import is_sensitive

# Written for the residents who read them, in the jurisdiction's language, like the categories' names.
STATE_NOTES: dict[str, str] = {
    State.REPORTED: "已上报，等待受理",
    State.ACCEPTED: "已受理",
    State.DISPATCHED: "已派遣承办人",
    State.IN_PROGRESS: "正在办理",
    State.RESOLVED: "已办结，等待核实",
    State.VERIFIED: "已核实",
    State.CLOSED: "已结案",
    State.RETURNED: "核实未通过，返工办理中",
    State.ESCALATED: "已升级处理",
    State.MERGED: "已与其他事件合并处理",
    State.CANCELLED: "已撤销",
}
HANDLER_NAMES = {
    HandlerKind.GRID: "网格员",
    HandlerKind.POLICE: "社区民警",
    HandlerKind.DEPARTMENT: "相关部门",
}


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the jurisdiction's offset (+08:00), as the spec requires a time zone."""
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="seconds") if value else None


def status_of(state: str) -> str:
    return "closed" if state in FINAL_STATES else "open"


def _duration(minutes: int) -> str:
    if minutes < 60 or minutes % 60:
        return f"{minutes}分钟"
    hours = minutes // 60
    return f"{hours // 24}天" if hours >= 48 and hours % 24 == 0 else f"{hours}小时"


def service_notice(category: Category) -> str:
    """What the resident can expect, from the category's deadlines."""
    handler = HANDLER_NAMES.get(HandlerKind(category.handler), "相关部门")
    if category.handler == HandlerKind.DEPARTMENT and category.department is not None:
        handler = category.department.name
    accept = _duration(category.accept_minutes)
    resolve = _duration(category.resolve_hours * 60)
    return f"{handler}将在{accept}内受理，{resolve}内办结。"


def agency(case: Case) -> str:
    """Who holds the case now: a place or a department, never a person."""
    if case.level >= Level.COMMAND:
        return f"{case.village.sub_district.name}指挥中心"
    if case.level == Level.VILLAGE:
        return case.village.name
    if case.handler == HandlerKind.POLICE:
        return case.police_zone.name
    if case.handler == HandlerKind.DEPARTMENT and case.department is not None:
        return case.department.name
    return case.grid.name


def area(case: Case) -> str:
    """The grid with the places above it, each named once: 太平街道东辉社区第1网格."""
    village, grid = case.village.name, case.grid.name
    return case.village.sub_district.name + (grid if grid.startswith(village) else village + grid)


def _masked(text: str, names: list[str]) -> str:
    for name in names:
        text = text.replace(name, mask_name(name))
    return mask_text(text)


def _names(case: Case) -> list[str]:
    # Longest first, so "林大娘" is masked before a shorter name inside it.
    return sorted({r.name for r in case.reporters.all() if len(r.name) >= 2}, key=len, reverse=True)


def status_notes(case: Case, hide_notes: bool) -> str:
    label = STATE_NOTES.get(case.state, case.state)
    if case.state == State.MERGED and case.merged_into_id:
        return f"{label}，见事件 {case.merged_into_id}"
    notes = [e.note for e in case.events.all() if e.to_state and e.note.strip()]
    if hide_notes or not notes:
        return label
    return f"{label}：{_masked(notes[-1].strip(), _names(case))}"


def _updated(case: Case) -> dt.datetime:
    times = [e.at for e in case.events.all()]
    return max([case.reported_at, *times])


def request_row(case: Case) -> dict[str, Value]:
    sensitive = case.police or is_sensitive(case.category.code)
    posted = getattr(case, "open311_request", None)
    address = case.building.address if case.building is not None else case.address
    lng, lat = case.lng, case.lat
    if sensitive:
        # The area, not the door: about 100 m.
        address = area(case)
        lng, lat = round(lng, 3), round(lat, 3)
    return {
        "service_request_id": str(case.pk),
        "status": status_of(case.state),
        "status_notes": status_notes(case, sensitive),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": None if sensitive else _masked(case.description, _names(case)) or None,
        "agency_responsible": agency(case),
        "service_notice": service_notice(case.category),
        "requested_datetime": iso(case.reported_at),
        "updated_datetime": iso(_updated(case)),
        "expected_datetime": iso(case.deadline),
        "address": address or area(case),
        "address_id": str(case.household_id) if case.household_id and not sensitive else None,
        "zipcode": None,
        "lat": round(lat, 6),
        "long": round(lng, 6),
        "media_url": (posted.media_url or None) if posted is not None and not sensitive else None,
    }


def visible_cases() -> QuerySet[Case]:
    """The cases Open311 shows: those posted through it. Cases from phone calls, WeChat or a grid
    worker's patrol were told to a person, not published, and stay out of this public feed."""
    return (
        Case.objects.filter(channel=Channel.OPEN311)
        .select_related(
            "category__department",
            "grid",
            "village__sub_district",
            "police_zone",
            "department",
            "building",
            "open311_request",
        )
        # Whole rows: audited models read every field when loaded, so deferring some costs a query each.
        .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.order_by("at", "pk")))
        .prefetch_related(Prefetch("reporters", queryset=Reporter.objects.order_by("pk")))
    )
