"""Error reports without personal numbers: Django's debug page and the report mailed to ADMINS.

Django hides settings whose names look secret and, for views marked `sensitive_post_parameters`, the
POST values; everything else goes out as it came in. A grid worker's form holds ID numbers and
phones, a search URL carries them in its query string and a traceback's local variables hold them in
clear just before they are sealed, so:

- `MaskingExceptionReporterFilter` (DEFAULT_EXCEPTION_REPORTER_FILTER) masks POST values, request
  META and frame variables, for every consumer of the filter;
- `MaskingExceptionReporter` (DEFAULT_EXCEPTION_REPORTER) also masks the finished page and text,
  which covers what the filter is never asked about: the URL, GET parameters, the exception message.

Masking is `gridgov.core.masking.mask_text`: ID numbers keep their first 6 and last 4 characters,
mobiles their first 3 and last 4, as in every list of the application.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict
from django.template.defaultfilters import pprint
from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from gridgov.core.masking import mask_text


class _Shown:
    """A frame variable replaced by its masked representation; Django prints it with repr()."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    return value


class MaskingExceptionReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        params = super().get_post_parameters(request)
        if isinstance(params, QueryDict):
            masked = params.copy()
            for key, values in params.lists():
                masked.setlist(key, [_mask_value(v) for v in values])
            return masked
        if isinstance(params, dict):
            return {key: _mask_value(value) for key, value in params.items()}
        return params

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        return {k: _mask_value(v) for k, v in super().get_safe_request_meta(request).items()}

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        # The clear number is a local variable between validation and sealing: mask each value's
        # printed form (what the report would show), not only strings, since a dataclass holds it too.
        return [
            (name, _Shown(mask_text(pprint(value))))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class MaskingExceptionReporter(ExceptionReporter):
    # Still safe to mark safe: masking only turns digits of already escaped text into '*'.
    def get_traceback_html(self) -> SafeString:
        return mark_safe(mask_text(super().get_traceback_html()))  # noqa: S308

    def get_traceback_text(self) -> SafeString:
        return mark_safe(mask_text(super().get_traceback_text()))  # noqa: S308
