"""Intake from every channel: validate, locate, triage, route, set deadlines, store, tell the handler."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.kept import Kept as KeptToken
from gridgov.cases.models import Case, CaseEvent, CaseItem, Reporter
from gridgov.cases.models.case import Channel
from gridgov.cases.services import attachments as files
from gridgov.cases.services import notify, store, timeline
from gridgov.cases.services.ahead import ahead
from gridgov.cases.services.duplicates import Summary, around_new_case, nearby_sql, summaries
from gridgov.cases.services.reference import References, references, still_current
from gridgov.cases.services.routing import holder
from gridgov.cases.services.scope import may_view_case_in
from gridgov.cases.services.triage import triage
from gridgov.core import audit, context, crypto
from gridgov.core.errors import Collector, Invalid
from gridgov.core.masking import mask_phone
from gridgov.core.models.insert import made
from gridgov.geo.coords import CRS, to_wgs84
from gridgov.geo.index import grid_index
from gridgov.geo.models import Grid
from gridgov.people.identity import IdentityError, normalize_phone

PHONE = "cases.reporter.phone"
PHONE_INDEX = "people.phone"  # the registry's index space: a reporter's phone finds the resident too
_TAGS = re.compile(r"<[^>]*>")


@dataclass
class ItemInput:
    name: str
    quantity: str | float | Decimal
    unit: str = ""


@dataclass
class Report:
    channel: str
    category: str  # a category code
    title: str
    description: str = ""
    lng: float | None = None
    lat: float | None = None
    crs: CRS = "wgs84"
    household_id: int | None = None
    building_id: int | None = None
    address: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    device: str = ""
    external_id: str = ""
    items: list[ItemInput] = field(default_factory=list)
    photos: list[Any] = field(default_factory=list)


@dataclass
class Intake:
    case: Case
    duplicates: list[Summary]
    visible: bool = True  # whether the actor may view the case just logged (an answer shows it only then)


def plain(text: str, limit: int) -> str:
    """Reports arrive from outside: keep them as plain text (no markup is ever rendered from them)."""
    return html.unescape(_TAGS.sub("", text)).replace("\x00", "").strip()[:limit]


def _place(
    actor: Any, report: Report, errors: Collector, refs: References
) -> tuple[Grid | None, float, float, Any, Any]:
    from gridgov.people.models import Building, Household

    # Staff pick households and buildings within their scope; outside systems (actor None) name any
    # address they know, and it only places the case.
    # (Built only when asked for: restrict() costs as much as a small query.)
    household = building = None
    if report.household_id:
        households = Household.objects.restrict(actor, "view") if actor is not None else Household.objects
        household = households.select_related("building").filter(pk=report.household_id).first()
        if household is None:
            errors.add("household_id", _("Unknown household."))
            return None, 0, 0, None, None
        building = household.building
    elif report.building_id:
        buildings = Building.objects.restrict(actor, "view") if actor is not None else Building.objects
        building = buildings.filter(pk=report.building_id).first()
        if building is None:
            errors.add("building_id", _("Unknown building."))
            return None, 0, 0, None, None
    if building is not None:
        lng, lat = building.lng, building.lat
    elif report.lng is None or report.lat is None:
        errors.add("location", _("Give the place: a point on the map, a building or a household."))
        return None, 0, 0, None, None
    else:
        if not (-180 <= report.lng <= 180 and -90 <= report.lat <= 90):
            errors.add("location", _("The coordinates are not longitude and latitude."))
            return None, 0, 0, None, None
        lng, lat = to_wgs84(report.lng, report.lat, report.crs)
    grid_id = grid_index.get().locate(lng, lat)
    if grid_id is None:
        errors.add("location", _("This point is outside every grid."))
        return None, lng, lat, building, household
    return refs.grid(grid_id), lng, lat, building, household


def _items(report: Report, errors: Collector) -> list[tuple[str, Decimal, str]]:
    items = []
    for n, item in enumerate(report.items):
        name = plain(item.name, 60)
        try:
            quantity = Decimal(str(item.quantity))
        except InvalidOperation:
            quantity = Decimal(-1)
        if not name or not quantity.is_finite() or quantity <= 0 or quantity >= 1_000_000:
            errors.add(f"items.{n}", _("Each item needs a name and a positive quantity."))
            continue
        items.append((name, quantity.quantize(Decimal("0.01")), plain(item.unit, 10)))
    return items


def _reporter_phone(report: Report, errors: Collector) -> str:
    if not report.reporter_phone.strip():
        return ""
    try:
        return normalize_phone(report.reporter_phone)
    except IdentityError as error:
        errors.add("reporter_phone", error.message)
        return ""


def intake(actor: Any, report: Report, token: KeptToken | None = None) -> Intake:
    """A report becomes a case in the right grid with the right handler, or nothing is stored.

    `token`: the kept bearer token `actor` was taken from (gridgov.accounts.kept), not confirmed by the
    database in this request: the guarded write checks it, and every other way out asks the database
    first (a token no longer usable gets 401 there, whatever else was wrong)."""
    # On PostgreSQL the new rows are stored in one statement, with keys drawn beforehand: by the
    # process's last intake, which also left the reference data its statement checks is still current
    # (see gridgov.cases.services.ahead), or else in the round trip that reads the reference stamp.
    at_once = not report.photos and store.available(Case)
    kept = references.kept() if at_once and not report.items else None
    may_log = _may_log(actor)
    if token is not None and (kept is None or kept.stamp != token.stamp or not may_log):
        actor, token = _confirmed(token), None  # no write of this request can vouch for it
        may_log = _may_log(actor)
    if not may_log:
        raise PermissionDenied(_("Your role may not log cases."))
    keys = ahead.take(router.db_for_write(Case)) if kept is not None else None
    if kept is not None and keys is not None:
        try:
            done = _logged(actor, report, kept, (*keys, []), guarded=True, token=token)
        except Invalid:
            done = None  # perhaps judged on reference data changed since: judged again on the current
        if done is not None:
            return done
    if token is not None:  # the write found the token or the reference data changed, or never ran
        actor = _confirmed(token)
        if not _may_log(actor):
            raise PermissionDenied(_("Your role may not log cases."))
    drawn = [(Case, 1), (Reporter, 1), (CaseEvent, 1), (CaseItem, len(report.items))] if at_once else []
    refs, keys = references.get_with([store.key_sql(m, n) for m, n in drawn])
    done = _logged(actor, report, refs, keys if at_once else None, guarded=False)
    assert done is not None  # unguarded: always stored
    return done


def _may_log(actor: Any) -> bool:
    return actor is None or bool(actor.has_perm("cases.add_case"))


def _confirmed(token: KeptToken) -> Any:
    """The kept token's account as the database has it now (ApiError 401 if the token is unusable),
    acting from here on."""
    user = token.verify()
    context.set_actor(user.pk, user.get_username(), getattr(user, "role", ""))
    return user


def _logged(
    actor: Any,
    report: Report,
    refs: References,
    keys: tuple[Any, ...] | None,
    guarded: bool,
    token: KeptToken | None = None,
) -> Intake | None:
    """intake() with this reference data (and these keys: stored in one statement); None where the
    write was `guarded` and the reference data turned out changed: nothing is stored then."""
    errors = Collector()
    if report.channel not in Channel.values:
        errors.add("channel", _("Unknown channel."))
    category = refs.categories.get(report.category)
    if category is None:
        errors.add("category", _("Unknown category."))
    title = plain(report.title, 100)
    description = plain(report.description, 4000)
    if not title:
        errors.add("title", _("Say in a few words what happened."))
    grid, lng, lat, building, household = _place(actor, report, errors, refs)
    items = _items(report, errors)
    phone = _reporter_phone(report, errors)
    checked = files.check(report.photos) if report.photos else []
    errors.raise_if_any()
    assert category is not None and grid is not None
    decision = triage(category, f"{title} {description}", refs.rules)
    now = timezone.now()
    chosen = decision.category
    # Without Model.__init__'s walk over its forty fields (insert.maker).
    case = made(Case)(
        category=chosen,
        title=title,
        description=description,
        channel=report.channel,
        police=decision.police,
        handler=decision.handler,
        department=decision.department,
        assignee=holder(grid, decision.handler, 0, decision.department, refs),
        grid=grid,
        village=grid.village,
        police_zone=grid.police_zone,
        lng=lng,
        lat=lat,
        address=plain(report.address, 200)
        or (household.address if household else building.address if building else ""),
        building=building,
        household=household,
        reported_at=now,
        accept_due=now + dt.timedelta(minutes=chosen.accept_minutes),
        respond_due=now + dt.timedelta(minutes=chosen.respond_minutes),
        resolve_due=now + dt.timedelta(hours=chosen.resolve_hours),
        deadline=now + dt.timedelta(hours=chosen.resolve_hours),
        external_id=report.external_id[:64],
    )
    data = {"channel": report.channel, "police": decision.police, "handler": decision.handler}
    if decision.rule:
        data["triage_rule"] = decision.rule
    if keys is not None:
        parts = _Parts(report, phone, items, data)
        return _stored_at_once(actor, case, parts, refs, keys, guarded, token)
    # The audit entries of the case, reporter, items, event and photos go in as one INSERT at the end.
    with transaction.atomic(), audit.collect():
        case.save(force_insert=True)  # as Case.objects.create() does
        _reporter(case, report, phone, actor).save()
        for name, quantity, unit in items:
            CaseItem.objects.create(case=case, name=name, quantity=quantity, unit=unit)
        event = timeline.record(case, actor, "report", "", case.state, "", data)
        files.store(case, event, checked, actor)
        timeline.tell_holder(case, "reported", refs.endpoints)
    duplicates, visible = around_new_case(case, actor)  # one query, after the commit
    return Intake(case, duplicates, visible)


def _reporter(case: Case, report: Report, phone: str, actor: Any) -> Reporter:
    reporter = made(Reporter)(
        case=case,
        name=plain(report.reporter_name, 60),
        device=report.device[:64],
        account=actor if getattr(actor, "pk", None) else None,
    )
    if phone:
        reporter.phone_cipher = crypto.encrypt(phone, PHONE)
        reporter.phone_index = crypto.blind_index(phone, PHONE_INDEX)
        reporter.phone_masked = mask_phone(phone)
    return reporter


@dataclass
class _Parts:
    report: Report
    phone: str
    items: list[tuple[str, Decimal, str]]
    data: dict[str, Any]


def _stored_at_once(
    actor: Any,
    case: Case,
    parts: _Parts,
    refs: References,
    keys: tuple[Any, ...],
    guarded: bool,
    token: KeptToken | None,
) -> Intake | None:
    """The same rows, trail and notices as the transaction above, in one statement that also reads
    the duplicates and draws the next intake's keys (see gridgov.cases.services.store); `guarded`: it
    stores only if `refs` are still current (None where not)."""
    case_key, reporter_key, event_key, item_keys = keys
    case.pk = case_key[0]
    reporter = _reporter(case, parts.report, parts.phone, actor)
    reporter.pk = reporter_key[0]
    items = [
        CaseItem(pk=key, case=case, name=name, quantity=quantity, unit=unit)
        for key, (name, quantity, unit) in zip(item_keys, parts.items, strict=True)
    ]
    event = timeline.new_event(case, actor, "report", "", case.state, "", parts.data)
    event.pk = event_key[0]
    notice = timeline.holder_notice(case, "reported")
    notes: list[Any] = []
    if (
        notice is not None and case.assignee_id is not None
    ):  # tell_holder()'s notification and webhook deliveries
        notifications, deliveries = notify.notices(
            [case.assignee_id], case, "reported", notice, refs.endpoints
        )
        notes = [*notifications, *deliveries]
    alias = router.db_for_write(Case)
    read = nearby_sql(case.category_id, case.lng, case.lat, case.reported_at, alias)
    guard = still_current(refs) if guarded else None
    if guard is not None and token is not None:  # and the token the actor was taken from
        checked = token.guard()
        guard = (f"({guard[0]}) AND {checked[0]}", [*guard[1], *checked[1]])
    # The next intake's keys (gridgov.cases.services.ahead).
    also = [store.key_sql(m, 1) for m in (Case, Reporter, CaseEvent)]
    written = store.write([case, reporter, *items, event], notes, read, guard=guard, also=also)
    ahead.put(alias, written.also)
    if not written.stored:
        return None
    rows = written.rows
    duplicates = summaries(case, rows, alias) if read is not None else around_new_case(case, None)[0]
    visible = True if actor is None else may_view_case_in(actor, case.grid)
    if visible is None:
        visible = Case.objects.restrict(actor, "view").filter(pk=case.pk).exists()
    return Intake(case, duplicates, visible)
