"""GET discovery: where the endpoint is, what it speaks, and when its services last changed."""

from __future__ import annotations

from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse

from gridgov.core.models import AuditEntry
from gridgov.open311.outputs import iso
from gridgov.open311.render import Format, Reply
from gridgov.open311.services import DEFINITIONS_CHANGED
from gridgov.open311.views.base import endpoint

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTACT = "温岭市太平街道综合指挥中心（网格化基层治理平台管理员）"
KEY_SERVICE = "api_key 由平台管理员签发：gridgov open311-key create <系统名称>；请向管理员申请。"


def changeset() -> str:
    """The later of the last change to a category (the audit trail knows) and to the definitions in
    code: a client that caches services refreshes when it moves."""
    edited = AuditEntry.objects.filter(object_type="cases.category").aggregate(at=Max("at"))["at"]
    latest = max(DEFINITIONS_CHANGED, edited) if edited else DEFINITIONS_CHANGED
    return iso(latest) or ""


@endpoint("GET")
def discovery(request: HttpRequest, fmt: Format) -> Reply:
    changed = changeset()
    return Reply(
        "discovery",
        {
            "changeset": changed,
            "contact": CONTACT,
            "key_service": KEY_SERVICE,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    # Ends with "/": clients append "services.xml" to it, some without a slash.
                    "url": request.build_absolute_uri(reverse("open311:root")),
                    "changeset": changed,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )
