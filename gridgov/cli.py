"""The `gridgov` command: Django's management commands with gridgov's settings.

`gridgov serve`, `gridgov worker`, `gridgov demo`, `gridgov bench`, `gridgov token`, `gridgov
import-map`, `gridgov audit` and Django's own (`gridgov migrate`, …).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    from django.core.management import execute_from_command_line

    from gridgov.env import EnvError

    args = list(sys.argv if argv is None else argv)
    # Dashes read better on a command line: `gridgov import-map` runs the import_map command.
    if len(args) > 1 and "-" in args[1] and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    try:
        execute_from_command_line(["gridgov", *args[1:]])
    except EnvError as error:
        sys.exit(f"gridgov: bad setting: {error}")


if __name__ == "__main__":
    main()
