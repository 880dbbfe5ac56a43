"""Photos and documents of a case, streamed only to those who may see the case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from gridgov.cases.models import Attachment
from gridgov.core.errors import NotInScope


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = Attachment.objects.restrict(request.user, "view").filter(pk=pk).first()
    if found is None:
        raise NotInScope(_("This case is outside your grids."))
    # The content type was sniffed from the bytes at upload, never taken from the sender.
    response = FileResponse(
        found.file.open("rb"), content_type=found.content_type, as_attachment=False, filename=found.name
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    # A PDF opened in the browser runs no script of ours and reaches nothing of the site.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response
