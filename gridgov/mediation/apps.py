from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "gridgov.mediation"
    label = "mediation"
    verbose_name = _("Disputes and consultations")

    def ready(self) -> None:
        from gridgov.mediation import signals  # noqa: F401 (connects the receivers)
