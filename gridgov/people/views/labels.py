"""The words the registry's scripts show, translated on the server (the pattern of gridgov.web.labels).

The ID-number messages are the very msgids of gridgov.people.identity, so the check in the browser
and the check on the server say the same thing in the same words.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def form_labels() -> dict[str, str]:
    return {
        "idLength": _("The number must have 18 characters."),
        "idCharacters": _("The number must be 17 digits followed by a digit or X."),
        "idChecksum": _("The check character is wrong: the number has a typing error."),
        "idBirthDate": _("The birth date in the number does not exist."),
        "idFuture": _("The birth date in the number is in the future."),
        "idRead": _("Read from the number: born {date}, {gender}."),
        "male": _("male"),
        "female": _("female"),
        "checkFailed": _("The field could not be checked; it will be checked again when you save."),
    }


def picker_labels() -> dict[str, str]:
    return {
        "picked": _("Location set: {lng}, {lat}"),
        "outside": _("This point is outside the grid; the building will be placed in the grid it lies in."),
        "hint": _("Tap the map where the building stands."),
    }
