from gridgov.cases.models import rollups  # noqa: F401 (registers the figures' rollup models)
from gridgov.cases.models.case import Case, CaseItem, Reporter
from gridgov.cases.models.categories import Category, Department, TriageRule
from gridgov.cases.models.notify import Notification, WebhookDelivery, WebhookEndpoint
from gridgov.cases.models.reference import ReferenceVersion
from gridgov.cases.models.timeline import Attachment, CaseEvent, Escalation

__all__ = [
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseItem",
    "Category",
    "Department",
    "Escalation",
    "Notification",
    "ReferenceVersion",
    "Reporter",
    "TriageRule",
    "WebhookDelivery",
    "WebhookEndpoint",
]
