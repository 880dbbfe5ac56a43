"""The grid worker's printable contact card (便民连心卡): name, phone, grid, and a QR code to the
grid's public page where a resident can reach them and report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from gridgov.cases.views import common
from gridgov.geo.models import Grid


@login_required
def my_card(request: HttpRequest) -> HttpResponse:
    grids = Grid.objects.filter(workers=common.me(request)).select_related("village", "police_zone__officer")
    cards = []
    for grid in grids.order_by("code"):
        url = request.build_absolute_uri(reverse("cases:grid_public", args=[grid.code]))
        cards.append({"grid": grid, "url": url, "qr": common.qr_svg(url, scale=4)})
    return render(request, "cases/card.html", {"cards": cards})
