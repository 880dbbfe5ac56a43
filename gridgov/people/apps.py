from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "gridgov.people"
    label = "people"
    verbose_name = _("Population registry")

    def ready(self) -> None:
        from gridgov.core.periodic import Job, register
        from gridgov.people.services.figures import refresh_kept

        # Readers then find most grids' figures already counted, even the first read after midnight.
        register(Job("registry-figures", 60.0, refresh_kept))
