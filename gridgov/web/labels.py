"""The words the map's JavaScript shows, translated on the server (no JS catalogue to load).

Labels that sit in the page's HTML are translated in the template; only what the scripts build
themselves is here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def map_labels() -> dict[str, str]:
    return {
        # Layer control
        "subDistricts": _("Sub-districts"),
        "villages": _("Villages and communities"),
        "grids": _("Grids"),
        "policeZones": _("Police zones"),
        # Legend, search and card
        "gridCount": _("{n} grids shown"),
        "noMatch": _("No grid matches “{q}”."),
        "kindVillage": _("village"),
        "kindCommunity": _("community"),
        "nobody": _("Not assigned"),
        "call": _("Call {name}"),
        # Toasts
        "loadFailed": _("The map data could not be loaded. Check the connection and reload the page."),
        "cardFailed": _("The grid’s details could not be loaded."),
        "sessionEnded": _("Your session has ended. Log in again."),
        "emptyMap": _("There are no grids in your area of responsibility yet."),
    }
