from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "gridgov.geo"
    label = "geo"
    verbose_name = _("Map")

    def ready(self) -> None:
        from gridgov.geo import signals  # noqa: F401
