"""The staff intake form: a phone call, a WeChat message or a patrol finding becomes a case."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.cases.forms import StaffReportForm, apply_errors, items_from
from gridgov.cases.services.attachments import MAX_BYTES, MAX_FILES
from gridgov.cases.services.intake import Report, intake
from gridgov.cases.views import common
from gridgov.core.errors import Invalid
from gridgov.people.models import Building, Household
from gridgov.web.views import map_config

PLACE_RESULTS = 12


def _in_scope(request: HttpRequest, data: dict[str, Any]) -> dict[str, list[str]]:
    """The intake service finds a building or household by id alone: keep it to the reader's scope."""
    errors: dict[str, list[str]] = {}
    for key, model in (("household_id", Household), ("building_id", Building)):
        if data.get(key) and not model.objects.restrict(request.user, "view").filter(pk=data[key]).exists():
            errors["place"] = [_("This building or household is outside your grids.")]
    return errors


def _report(form: StaffReportForm, request: HttpRequest) -> Report:
    data = form.cleaned_data
    items, _rows = items_from(request.POST)
    household_id = data["household_id"]
    return Report(
        channel=data["channel"],
        category=data["category"],
        title=data["title"],
        description=data["description"],
        lng=data["lng"],
        lat=data["lat"],
        crs=data["crs"] or "wgs84",
        household_id=household_id,
        building_id=None if household_id else data["building_id"],
        address=data["address"],
        reporter_name=data["reporter_name"],
        reporter_phone=data["reporter_phone"],
        items=items,
        photos=request.FILES.getlist("photos"),
    )


@login_required
def new_case(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("cases.add_case"):
        return common.forbidden(request, _("Your role may not log cases."))
    form = StaffReportForm(request.POST or None, initial={"channel": request.GET.get("channel", "phone")})
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            errors = _in_scope(request, form.cleaned_data)
            if not errors:
                try:
                    result = intake(request.user, _report(form, request))
                except Invalid as error:
                    errors = apply_errors(form, error.fields)
                else:
                    case = result.case
                    holder = case.assignee.display_name() if case.assignee else _("the command centre")
                    messages.success(
                        request,
                        _("Case %(number)s logged and sent to %(holder)s.")
                        % {"number": case.number, "holder": holder},
                    )
                    target = reverse("cases:detail", args=[case.pk])
                    return redirect(f"{target}?new=1" if result.duplicates else target)
        status = 400
    _items, rows = items_from(request.POST) if request.method == "POST" else ([], [])
    context = {
        "form": form,
        "errors": errors,
        "item_rows": rows or [{"name": "", "quantity": "", "unit": ""}],
        "map_config": map_config(),
        "labels": common.js_labels(),
        "limits": {"maxBytes": MAX_BYTES, "maxFiles": MAX_FILES},
    }
    return common.no_store(render(request, "cases/new.html", context, status=status))


@login_required
def places(request: HttpRequest) -> HttpResponse:
    """Buildings and households in scope whose address contains the words typed (the place picker)."""
    query = request.GET.get("q", "").strip()[:60]
    if len(query) < 2:
        return JsonResponse({"results": []})
    words = query.split()
    condition = Q()
    for word in words:
        condition &= Q(address__icontains=word)
    households = (
        Household.objects.restrict(request.user, "view")
        .filter(condition)
        .select_related("building")
        .order_by("address")[:PLACE_RESULTS]
    )
    buildings = Building.objects.restrict(request.user, "view").filter(condition).order_by("address")
    results = [
        {"kind": "building", "id": b.pk, "label": b.address, "lng": b.lng, "lat": b.lat}
        for b in buildings[: PLACE_RESULTS // 3]
    ] + [
        {"kind": "household", "id": h.pk, "label": h.address, "lng": h.building.lng, "lat": h.building.lat}
        for h in households
    ]
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
