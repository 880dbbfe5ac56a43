from gridgov.core.models.audit import AuditAnchor, AuditEntry
from gridgov.core.models.base import AuditedModel, AuditedQuerySet, RestrictedQuerySet

__all__ = ["AuditAnchor", "AuditEntry", "AuditedModel", "AuditedQuerySet", "RestrictedQuerySet"]
