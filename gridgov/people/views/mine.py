"""我的网格: what a grid worker looks after, with what needs doing first.

For anyone else it is the same page over their whole scope: lapsed registrations first (someone may
live here unregistered: 漏管失控), then those about to lapse, the people in care, and the households.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.people.models import ResidentTag
from gridgov.people.services.figures import figures_for
from gridgov.people.views import common
from gridgov.people.views.common import registry_view

HOUSEHOLDS_PER_PAGE = 30
# Enough to see who needs a visit; the whole list is one click away on the tag's own filter.
TAGGED_SHOWN = 60


def _tagged(user: Any, grids: Any) -> list[tuple[str, list[ResidentTag]]]:
    today = common.today()
    links = (
        ResidentTag.objects.restrict(user, "view")
        .filter(
            Q(end__isnull=True) | Q(end__gte=today),
            start__lte=today,
            resident__grid__in=grids.values("pk"),
            resident__household__isnull=False,
            resident__anonymised_at=None,
        )
        .select_related("tag", "resident__household")
        .order_by("tag__kind", "tag__name", "resident__name_pinyin")[:TAGGED_SHOWN]
    )
    groups: dict[str, list[ResidentTag]] = defaultdict(list)
    for link in links:
        groups[link.tag.name].append(link)
    return list(groups.items())


@registry_view()
def my_grid(request: HttpRequest) -> HttpResponse:
    user = request.user
    grids = common.grids_in_scope(user).select_related("village")
    grid_list = list(grids[:20])
    households = (
        common.household_queryset(user)
        .filter(grid__in=grids.values("pk"))
        .annotate(n_residents=Count("residents", filter=Q(residents__anonymised_at=None)))
        .order_by("building__name", "unit__number", "room")
    )
    page = Paginator(households, HOUSEHOLDS_PER_PAGE).get_page(request.GET.get("page"))
    if len(grid_list) == 1:
        title, subtitle = _("My grid"), f"{grid_list[0].name} · {grid_list[0].village.name}"
    else:
        title, subtitle = _("My grids"), _("%(n)d grids in your responsibility") % {"n": grids.count()}
    context = {
        "title": title,
        "subtitle": subtitle,
        "grids": grid_list,
        "tiles": common.tiles(figures_for(grids)),
        "lapsed": common.lapsed_registrations(user, grids),
        "expiring": common.expiring_registrations(user, grids),
        "tagged": _tagged(user, grids),
        "page": page,
        "today": common.today(),
        "keeper": common.is_keeper(user),
        "can_add_building": user.has_perm("people.add_building") and len(grid_list) >= 1,
        "add_building_url": reverse("people:add_building", args=[grid_list[0].code]) if grid_list else "",
        "grid_url": reverse("people:grid", args=[grid_list[0].code]) if len(grid_list) == 1 else "",
    }
    return common.no_store(render(request, "people/mine.html", context))
