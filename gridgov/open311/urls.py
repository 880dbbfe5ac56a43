"""Open311 GeoReport v2 under /open311/v2/: every resource as .json or .xml."""

from __future__ import annotations

from django.urls import path, re_path

from gridgov.open311.views import base, discovery, read, requests, services

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    # The root answers with discovery, as the discovery spec suggests for people who browse to it.
    path("", discovery.discovery, {"fmt": "xml"}, name="root"),
    re_path(r"^discovery" + FMT, discovery.discovery, name="discovery"),
    re_path(r"^services" + FMT, services.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+)" + FMT, services.service_definition, name="service"),
    re_path(r"^requests" + FMT, requests.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+)" + FMT, read.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+)" + FMT, read.token, name="token"),
    re_path(r"^(?P<path>.*)$", base.unknown),
]
