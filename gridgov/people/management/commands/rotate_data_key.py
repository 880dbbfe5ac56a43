"""`gridgov rotate-data-key [--check] [--batch N] [--generate KID]`: everything under the current data key."""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, DjangoHelpFormatter

from gridgov.core import audit, context, crypto
from gridgov.people.services.privacy import ROTATIONS, Rotation, rotate_batch

HELP = """\
Re-encrypt every document number and phone under the current data key (the first one in
GRIDGOV_DATA_KEY) and rewrite its blind index, in short batches. Safe to interrupt and to run again:
it only touches values still under another key.

Rotating the key without downtime:
  1. Make a new key:       gridgov rotate-data-key --generate k2026
  2. PREPEND it:           GRIDGOV_DATA_KEY="k2026:NEW…,k2025:OLD…"
     New values are written under the new key; old ones still decrypt, and exact searches try the
     blind index under every key of the ring, so nobody is lost while the rows are rewritten.
  3. Restart every process (web and worker), so that all of them write under the new key.
  4. Rewrite the old values: gridgov rotate-data-key
  5. Confirm:               gridgov rotate-data-key --check   (exit status 0: nothing left)
  6. Remove the old key:    GRIDGOV_DATA_KEY="k2026:NEW…" and restart again.
Keep the old key in the ring until step 5 says 0: a value under a key that is no longer in the ring
cannot be read by anyone.
"""


class _Help(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's ordering of options, with the procedure above kept as written."""


def _label(rotation: Rotation) -> str:
    return f"{rotation[0]._meta.label_lower}.{rotation[1]}"


def stale(rotation: Rotation) -> int:
    """Values of one column not yet under the current key."""
    model, cipher = rotation[0], rotation[1]
    current = f"{crypto.VERSION}:{crypto.keyring().current_id}:"
    return int(model.objects.exclude(**{cipher: ""}).exclude(**{f"{cipher}__startswith": current}).count())


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        kwargs.setdefault("formatter_class", _Help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="only count the values still under an old key; exit status 1 if there are any",
        )
        parser.add_argument("--batch", type=int, default=1000, help="rows per transaction (default 1000)")
        parser.add_argument(
            "--generate",
            metavar="KID",
            help="print a new 'KID:base64' key entry to prepend to GRIDGOV_DATA_KEY, and stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate"]:
            try:
                self.stdout.write(crypto.generate_key(options["generate"]))
            except ValueError as error:
                raise CommandError(str(error)) from None
            return
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        ring = crypto.keyring()
        if options["check"]:
            self._check(ring)
            return
        with context.acting_as_system("cli", "cli:rotate-data-key"):
            rewritten = {_label(r): self._rotate(r, options["batch"]) for r in ROTATIONS}
            audit.record_event("command", "rotate-data-key", {"key": ring.current_id, "rewritten": rewritten})
        self.stdout.write(
            self.style.SUCCESS(
                f"{sum(rewritten.values()):,} values re-encrypted under key {ring.current_id!r}; "
                "check with --check, then remove the old keys from GRIDGOV_DATA_KEY"
            )
        )

    def _check(self, ring: crypto.KeyRing) -> None:
        counts = {_label(r): stale(r) for r in ROTATIONS}
        for label, n in counts.items():
            self.stdout.write(f"  {label:<55} {n:>10,} under an old key")
        left = sum(counts.values())
        if left:
            raise CommandError(
                f"{left:,} values are still under an old key: run gridgov rotate-data-key "
                f"(the current key is {ring.current_id!r})",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"every value is under the current key {ring.current_id!r}"))

    def _rotate(self, rotation: Rotation, batch: int) -> int:
        label, total = _label(rotation), stale(rotation)
        done, started, last_report = 0, time.perf_counter(), 0.0
        self.stdout.write(f"  {label}: {total:,} to re-encrypt")
        while True:
            try:
                n = rotate_batch(rotation, batch)
            except crypto.DecryptionError as error:
                # A key missing from the ring: say which, and stop before anything else is touched.
                raise CommandError(f"{label}: {error}; put that key back in GRIDGOV_DATA_KEY") from None
            if not n:
                break
            done += n
            now = time.perf_counter()
            if now - last_report >= 2 or done >= total:
                last_report = now
                rate = done / max(now - started, 1e-9)
                self.stdout.write(f"  {label}: {done:,}/{total:,} ({rate:,.0f}/s)")
        return done
