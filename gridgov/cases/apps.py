from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gridgov.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from gridgov.cases.figures import rollup
        from gridgov.cases.services import escalation, notify, rating
        from gridgov.core.periodic import Job, register

        register(Job("escalate-overdue", 30.0, escalation.escalate_overdue))
        register(Job("deliver-webhooks", 5.0, notify.deliver_due))
        register(Job("close-unrated", 300.0, rating.close_unrated))
        # The assessment figures are at most this many seconds (plus one run) behind the cases.
        register(Job("figures-rollup", 10.0, rollup.refresh_all))
        _check_tokens_in_intake()


def _check_tokens_in_intake() -> None:
    """Intake's `POST /api/v1/cases` checks its bearer token in its one write (gridgov.accounts.kept):
    on PostgreSQL, where that write exists, with the reference stamp as the accounts' version."""
    from django.db import connections, router

    from gridgov.accounts import kept
    from gridgov.cases.models import Case
    from gridgov.cases.services.reference import current_stamp

    if connections[router.db_for_write(Case)].vendor == "postgresql":
        kept.stamp_by(current_stamp)
        kept.check_in_write("POST", "/api/v1/cases")
