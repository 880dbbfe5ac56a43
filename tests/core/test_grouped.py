"""Group commit's coordinator (gridgov.core.grouped) with a run() of the test's own: who goes with whom,
who gets which result, and what happens when a group fails. Real threads; nothing is mocked."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from gridgov.core.grouped import Grouped


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


class Store:
    """A run() that records its groups and can be held at the database door, or refuse an item."""

    def __init__(self) -> None:
        self.groups: list[list[int]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.threads: list[str] = []

    def run(self, items: list[int]) -> list[str]:
        self.groups.append(list(items))
        self.threads.append(threading.current_thread().name)
        self.gate.wait()
        if any(i < 0 for i in items):
            raise ValueError(f"refused {items}")
        return [f"stored {i}" for i in items]


Results = dict[int, Any]  # an item: its result, or the error it raised


def _submit_all(grouped: Grouped[int, str], items: list[int], results: Results) -> list[threading.Thread]:
    """Submit each item from a thread of its own (named after it), the results into `results`."""

    def one(item: int) -> None:
        try:
            results[item] = grouped.submit("db", item)
        except ValueError as error:
            results[item] = error

    threads = [threading.Thread(target=one, args=(i,), name=f"t{i}") for i in items]
    for t in threads:
        t.start()
    return threads


def test_one_write_alone_goes_at_once_and_gets_its_result() -> None:
    store = Store()
    grouped = Grouped(store.run)
    assert grouped.submit("db", 7) == "stored 7"
    assert store.groups == [[7]] and grouped.groups == [1]


def test_writes_arriving_while_one_is_out_go_together_next_led_by_the_oldest() -> None:
    store = Store()
    store.gate.clear()  # the first write is held at the database
    grouped = Grouped(store.run)
    results: Results = {}
    threads = _submit_all(grouped, [1], results)
    _wait_for(lambda: store.groups == [[1]])
    threads += _submit_all(grouped, [2], results)
    _wait_for(lambda: grouped.waiting("db") == 1)
    threads += _submit_all(grouped, [3, 4, 5], results)
    _wait_for(lambda: grouped.waiting("db") == 4)
    store.gate.set()
    for t in threads:
        t.join(10)
    assert results == {i: f"stored {i}" for i in range(1, 6)}
    assert store.groups[0] == [1] and sorted(store.groups[1]) == [2, 3, 4, 5]
    assert store.groups[1][0] == 2 and store.threads == ["t1", "t2"]  # the oldest led, on its own thread
    assert grouped.waiting("db") == 0


def test_a_group_is_never_larger_than_its_limit() -> None:
    store = Store()
    store.gate.clear()
    grouped = Grouped(store.run, limit=3)
    results: Results = {}
    threads = _submit_all(grouped, [0], results)
    _wait_for(lambda: len(store.groups) == 1)
    threads += _submit_all(grouped, list(range(1, 8)), results)
    _wait_for(lambda: grouped.waiting("db") == 7)
    store.gate.set()
    for t in threads:
        t.join(10)
    assert results == {i: f"stored {i}" for i in range(8)}
    assert [len(g) for g in store.groups] == [1, 3, 3, 1]
    assert sorted(i for g in store.groups for i in g) == list(range(8))


def test_a_failed_group_is_sent_again_one_by_one_so_only_the_bad_write_fails() -> None:
    store = Store()
    store.gate.clear()
    grouped = Grouped(store.run)
    results: Results = {}
    threads = _submit_all(grouped, [1], results)
    _wait_for(lambda: len(store.groups) == 1)
    threads += _submit_all(grouped, [2, -3, 4], results)
    _wait_for(lambda: grouped.waiting("db") == 3)
    store.gate.set()
    for t in threads:
        t.join(10)
    assert results[1] == "stored 1" and results[2] == "stored 2" and results[4] == "stored 4"
    assert isinstance(results[-3], ValueError) and str(results[-3]) == "refused [-3]"
    assert sorted(map(sorted, store.groups[1:])) == [[-3], [-3, 2, 4], [2], [4]]
    # each write sent again by its own thread
    assert sorted(store.threads[2:]) == ["t-3", "t2", "t4"]


def test_a_write_alone_that_fails_raises_to_its_owner_and_the_next_still_goes() -> None:
    store = Store()
    grouped = Grouped(store.run)
    with pytest.raises(ValueError, match=r"refused \[-1\]"):
        grouped.submit("db", -1)
    assert grouped.submit("db", 2) == "stored 2"


def test_many_threads_many_writes_each_get_their_own_result() -> None:
    store = Store()
    grouped = Grouped(store.run, limit=4)
    results: dict[int, str] = {}
    lock = threading.Lock()

    def many(start: int) -> None:
        for i in range(start, start + 200):
            result = grouped.submit("db" if i % 3 else "other", i)
            with lock:
                results[i] = result

    threads = [threading.Thread(target=many, args=(k * 1000,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == {i: f"stored {i}" for k in range(8) for i in range(k * 1000, k * 1000 + 200)}
    assert all(1 <= len(g) <= 4 for g in store.groups)
    assert sum(map(len, store.groups)) == 1600
    assert grouped.waiting("db") == grouped.waiting("other") == 0
