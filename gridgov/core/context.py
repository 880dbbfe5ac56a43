"""Who is acting, for the audit trail: set by the web middleware, the CLI and the worker.

A context variable, not a thread-local, so that it is right in threads and in async code alike; the
bulk and background paths set it too, so no write is ever recorded without an actor.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class ActorContext:
    actor_id: int | None = None
    actor_name: str = "system"
    role: str = ""
    request_id: str = ""
    ip: str = ""
    source: str = "system"  # web | api | cli | worker | system


# ActorContext is frozen, so sharing one default instance is safe.
_current: ContextVar[ActorContext] = ContextVar("gridgov_actor", default=ActorContext())  # noqa: B039


def current() -> ActorContext:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def acting(context: ActorContext) -> Iterator[ActorContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


@contextmanager
def acting_as_system(source: str, name: str) -> Iterator[ActorContext]:
    """For the CLI and the worker: a named system actor with its own request id."""
    with acting(ActorContext(actor_name=name, source=source, request_id=new_request_id())) as ctx:
        yield ctx


def set_actor(actor_id: int | None, actor_name: str, role: str) -> None:
    _current.set(replace(_current.get(), actor_id=actor_id, actor_name=actor_name, role=role))
