"""Primary keys drawn ahead: each intake's one statement also draws the keys of the next intake.

Intake's statement needs its rows' keys before it is sent (each audit entry's hash names its row), so
they were drawn from the sequences in a round trip of their own, with the reference stamp. Now each
stored case's statement draws one more set and leaves it here; the next intake in the process takes
it, checks the stamp inside its own statement (store.write's guard), and so makes one round trip.

A set is taken oldest first and only while fresh (`MAX_AGE`): an idle process drops what it kept
rather than number a new case below cases logged since by other processes. Case numbers were never
strictly in time order across processes (a key is drawn before its transaction commits); this keeps
the disorder within about a second. Keys dropped or never used leave gaps, as a rolled-back
transaction does: sequences never hand a value out twice.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

MAX_AGE = 1.0  # seconds
_KEPT = 64  # sets per database at most: more threads than that never log cases at once


class _Ahead:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sets: dict[str, deque[tuple[float, tuple[Any, ...]]]] = {}

    def put(self, alias: str, keys: tuple[Any, ...]) -> None:
        with self._lock:
            self._sets.setdefault(alias, deque(maxlen=_KEPT)).append((time.monotonic(), keys))

    def take(self, alias: str) -> tuple[Any, ...] | None:
        """The oldest fresh set of keys for `alias`, or None (then draw them with the stamp)."""
        now = time.monotonic()
        with self._lock:
            sets = self._sets.get(alias)
            while sets:
                drawn, keys = sets.popleft()
                if now - drawn <= MAX_AGE:
                    return keys
        return None

    def clear(self) -> None:
        with self._lock:
            self._sets.clear()


ahead = _Ahead()
