"""The resident's rating page (事项办理评价): a one-time link, no account, made for a phone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gridgov.cases.forms import RatingForm
from gridgov.cases.models import Case
from gridgov.cases.services import rating
from gridgov.cases.views import common
from gridgov.core.errors import ApiError, Invalid


def _used(request: HttpRequest, message: str) -> HttpResponse:
    return common.no_store(render(request, "cases/rate/used.html", {"message": message}, status=404))


def rate_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        case: Case = rating.case_for_token(token)
    except ApiError as error:
        return _used(request, error.message)
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                rated = rating.rate(token, data["score"], data["comment"], data["solved"])
            except Invalid as error:
                for field, messages in error.fields.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            except ApiError as error:
                return _used(request, error.message)
            else:
                context = {"case": rated, "solved": data["solved"], "score": data["score"]}
                return common.no_store(render(request, "cases/rate/thanks.html", context))
    context = {"case": case, "form": form, "stars": range(1, 6)}
    return common.no_store(render(request, "cases/rate/form.html", context, status=status))
