"""Photos and documents on a case: checked by their bytes, not their names, and limited in size."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from gridgov.cases.models import Attachment, Case, CaseEvent
from gridgov.core.errors import Invalid

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 9
# Magic numbers of what a phone camera or a scanner produces.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}


def sniff(head: bytes) -> str | None:
    for content_type, magics in SIGNATURES.items():
        if any(head.startswith(m) for m in magics):
            if content_type == "image/webp" and head[8:12] != b"WEBP":
                continue
            return content_type
    return None


def check(files: list[Any]) -> list[tuple[str, str, bytes]]:
    """Read and check uploads before anything is stored: (name, content type, bytes) each."""
    if len(files) > MAX_FILES:
        raise Invalid.one("attachments", _("At most %(n)d files.") % {"n": MAX_FILES})
    checked = []
    for upload in files:
        if upload.size > MAX_BYTES:
            raise Invalid.one("attachments", _("%(name)s is larger than 10 MB.") % {"name": upload.name})
        data = upload.read()
        content_type = sniff(data[:16])
        if content_type is None:
            raise Invalid.one(
                "attachments", _("%(name)s is not a JPEG, PNG, WebP photo or a PDF.") % {"name": upload.name}
            )
        checked.append((str(upload.name)[:120], content_type, data))
    return checked


def store(case: Case, event: CaseEvent | None, checked: list[tuple[str, str, bytes]], user: Any) -> None:
    for name, content_type, data in checked:
        digest = hashlib.sha256(data).hexdigest()
        attachment = Attachment(
            case=case,
            event=event,
            name=name,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            uploaded_by=user if getattr(user, "pk", None) else None,
        )
        attachment.file.save(f"{digest[:16]}.{EXTENSIONS[content_type]}", ContentFile(data), save=False)
        attachment.save()
