"""Group commit: writes that arrive while another is on its way to the database go together, next.

A server process runs several requests in threads. When one thread's write is at the database, the
others go on with their requests, and some reach their own write before it returns. Sending each of
those alone costs the database a statement's start and a commit apiece, and the process a round trip
each; sending them together in one statement shares that. Nothing waits on purpose: the first write
to arrive goes at once, alone; those that arrive while it is out form the next group, led by the
oldest of them on its own thread's connection (no connection is used by two threads); a group is never
larger than `limit`.

`run(items)` stores a group and returns one result per item, in order; it runs on the leader's thread.
If it raises for a group of more than one, each item is run again alone by its own thread: whatever
went wrong (a guard that no longer holds, a constraint, a lost connection) then lands on the request it
belongs to, and the others are stored as they would have been alone. A group of one raises to its
owner as run() raised.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(eq=False, slots=True)
class _Waiter(Generic[T, R]):
    item: T
    woken: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # woken to lead the next group
    finished: bool = False
    alone: bool = False  # its group failed: run it by itself
    result: R | None = None
    error: BaseException | None = None


class Grouped(Generic[T, R]):
    def __init__(self, run: Callable[[list[T]], list[R]], limit: int = 16) -> None:
        self._run = run
        self._limit = limit
        self._lock = threading.Lock()
        self._queues: dict[Hashable, list[_Waiter[T, R]]] = {}
        self._busy: set[Hashable] = set()  # keys with a group at the database
        self.groups: list[
            int
        ] = []  # sizes of the last groups sent (1,000 to 2,000 of them), for tests and tuning

    def submit(self, key: Hashable, item: T) -> R:
        """Store `item` with the others of `key` (one database, say) waiting now; return its result."""
        me: _Waiter[T, R] = _Waiter(item)
        with self._lock:
            self._queues.setdefault(key, []).append(me)
            leading = key not in self._busy
            self._busy.add(key)
        while not me.finished:
            if not leading:
                me.woken.wait()
                me.woken.clear()
            if leading or me.lead:
                self._lead(key)
                leading = False
        if me.alone:
            return self._run([item])[0]
        if me.error is not None:
            raise me.error
        return me.result  # type: ignore[return-value]

    def waiting(self, key: Hashable) -> int:
        """How many writes of `key` wait for the group at the database to return."""
        with self._lock:
            return len(self._queues.get(key, ()))

    def _lead(self, key: Hashable) -> None:
        with self._lock:
            queue = self._queues[key]
            group, queue[: self._limit] = queue[: self._limit], []
            self.groups.append(len(group))
            if len(self.groups) > 2_000:
                del self.groups[:1_000]  # now and then, not a copy of the list per group
        try:
            results = self._run([w.item for w in group])
            for waiter, result in zip(group, results, strict=True):
                waiter.result = result
        except BaseException as error:
            if len(group) == 1:
                group[0].error = error
            else:
                for waiter in group:
                    waiter.alone = True
            if not isinstance(error, Exception):
                raise  # an interrupt: the others were told below, in `finally`
        finally:
            with self._lock:
                queue = self._queues[key]
                following = queue[0] if queue else None
                if following is None:
                    self._busy.discard(key)
                else:
                    following.lead = True
            for waiter in group:
                waiter.finished = True
                waiter.woken.set()
            if following is not None:
                following.woken.set()
