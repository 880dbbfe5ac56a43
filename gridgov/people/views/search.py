"""The registry's search page; the navbar's box sends here, and typing refreshes the results (htmx)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gridgov.people.services.search import LIMIT, search
from gridgov.people.views import common
from gridgov.people.views.common import registry_view

MAX_QUERY = 60


@registry_view()
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    results = common.with_ages(search(request.user, query)) if query else []
    context = {
        "q": query,
        "results": results,
        "truncated": len(results) >= LIMIT,
        "today": common.today(),
        "title": common.crumbs_root()[0][0],
    }
    # htmx asks for the results only, on each keystroke (after a pause) in the page's box.
    partial = (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "search-results"
    )
    template = "people/_search_results.html" if partial else "people/search.html"
    return common.no_store(render(request, template, context))
