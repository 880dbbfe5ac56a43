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
