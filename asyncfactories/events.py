"""Events: subscribers are told about every build and create a factory makes.

``events.subscribe(listener)`` (or ``with events.subscribed(listener):``) makes the library call
``listener(event)`` with a `FactoryEvent` when a build, create or ``build_stubbed`` call ends,
when each object of a cascade (a ``SubFactory``, an automatic parent, a ``RelatedFactory``, a
``has()`` child) is done, and when a ``default()`` block or ``recycle()`` stands in for an object
that would have been made. The ``--af-prof`` profiler of the pytest plugin is built on it.

Nothing is timed or recorded while nobody subscribes: every place that could report first reads
whether ``listeners`` is empty. Events arrive when the work they describe ends, so a cascade's
events come before the event of the call that caused it; a call that fails tells nothing of
itself. A listener runs in the thread of the call (for an async ``create``, inside the
synchronous build for the events of a cascade) and must not await. An exception raised by a
listener propagates: out of the call, after its work is done, or, for an event of a cascade,
through the build, which then fails as a failing declaration would (a create's rows are taken
back).

The functions below ``subscribed`` are the library's own, called only while someone listens.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

__all__ = ["FactoryEvent", "Listener", "subscribe", "subscribed", "unsubscribe"]


@dataclass(frozen=True)
class FactoryEvent:
    """One build, create or reuse, told to every listener.

    ``action`` is ``"build"``, ``"create"``, ``"stub"`` (``build_stubbed``) or ``"reuse"`` (a
    ``default()`` block or ``recycle()`` gave an existing object instead). ``count`` is how many
    objects the call made (1 for each object of a cascade). ``duration`` is in seconds
    (``time.perf_counter``), cascades included; 0.0 for a reuse. ``depth`` is 0 for a call the
    code made, 1 for what that call's objects needed, and so on. ``via`` says how the object
    came: ``"call"`` (a factory method), ``"subfactory"`` (a declared ``SubFactory``),
    ``"parent"`` (an automatic parent), ``"related"`` (a ``RelatedFactory`` or another
    declaration run after the object exists), ``"collection"`` (automatic children), ``"has"``
    (a ``has()`` child), ``"default"`` (a ``default()`` block) or ``"recycle"``. ``chain`` holds
    the factories whose builds led here, outermost first; ``parent`` is its last (None at depth
    0). ``rows`` is how many new objects a create added to its session, its cascades' included
    (0 for builds and reuses).
    """

    factory: type[Any]
    action: str
    states: tuple[str, ...]
    count: int
    duration: float
    depth: int
    via: str
    parent: type[Any] | None
    rows: int
    chain: tuple[type[Any], ...] = ()


#: What a subscriber is: called with each event, its return value ignored.
Listener = Callable[[FactoryEvent], object]

#: The subscribed listeners, in order. Changed in place, never rebound: the library's modules
#: import this very list and test it before doing anything for events.
listeners: list[Listener] = []


def subscribe(listener: Listener) -> Callable[[], None]:
    """Call ``listener(event)`` for every event from now on; returns the function that stops it.

    A listener subscribed twice is called twice, and must be unsubscribed twice.
    """
    listeners.append(listener)
    return lambda: unsubscribe(listener)


def unsubscribe(listener: Listener) -> None:
    """Stop calling ``listener`` (one subscription of it); a listener not subscribed is ignored."""
    with contextlib.suppress(ValueError):
        listeners.remove(listener)


@contextlib.contextmanager
def subscribed(listener: Listener) -> Iterator[Listener]:
    """``with events.subscribed(listener):``: subscribed for the block only."""
    subscribe(listener)
    try:
        yield listener
    finally:
        unsubscribe(listener)


# ----------------------------------------------------------------- for the library's modules


@dataclass
class _Frame:
    """A call, or one object of a cascade, in progress."""

    factory: Any
    action: str
    states: tuple[str, ...]
    count: int
    via: str
    chain: tuple[Any, ...]
    started: float
    rows: int = 0
    #: The object of this frame exists: what it builds now runs after it (``"related"``).
    instantiated: bool = False
    #: How the next object built from this frame comes, when a declaration said so.
    hint: str | None = None


_frames: ContextVar[list[_Frame] | None] = ContextVar("asyncfactories_event_frames", default=None)


def _emit(frame: _Frame, duration: float) -> None:
    parent = frame.chain[-1] if frame.chain else None
    event = FactoryEvent(
        frame.factory,
        frame.action,
        frame.states,
        frame.count,
        duration,
        len(frame.chain),
        frame.via,
        parent,
        frame.rows,
        frame.chain,
    )
    for listener in tuple(listeners):
        listener(event)


@contextlib.contextmanager
def _frame(
    stack: list[_Frame], factory: Any, action: str, states: tuple[str, ...], count: int, via: str
) -> Iterator[_Frame]:
    above = stack[-1] if stack else None
    chain = (*above.chain, above.factory) if above is not None else ()
    frame = _Frame(factory, action, states, count, via, chain, time.perf_counter())
    stack.append(frame)
    try:
        yield frame
    finally:
        stack.pop()
    # Reached only when the block succeeded.
    duration = time.perf_counter() - frame.started
    if above is not None:
        above.rows += frame.rows
    _emit(frame, duration)


@contextlib.contextmanager
def calling(factory: Any, action: str, states: tuple[str, ...], count: int) -> Iterator[None]:
    """A factory method's call: at depth 0, or deeper when made from inside a build."""
    stack = _frames.get()
    token = None
    if stack is None:
        stack = []
        token = _frames.set(stack)
    try:
        with _frame(stack, factory, action, states, count, "call"):
            yield
    finally:
        if token is not None:
            _frames.reset(token)


@contextlib.contextmanager
def cascading(factory: Any, via: str | None = None, states: tuple[str, ...] = ()) -> Iterator[None]:
    """One object a call's object needs; ``via`` None: told by a hint, else by the phase."""
    stack = _frames.get()
    if not stack:  # subscribed while the call was running: nothing to attach it to
        yield
        return
    above = stack[-1]
    if via is None:
        via = above.hint or ("related" if above.instantiated else "subfactory")
    above.hint = None
    with _frame(stack, factory, above.action, states, 1, via):
        yield


def hint(via: str) -> None:
    """The next object built from the current frame comes ``via`` this (an automatic parent...)."""
    stack = _frames.get()
    if stack:
        stack[-1].hint = via


def object_begins() -> None:
    """A call's next top object begins: what it builds first are its parents again."""
    stack = _frames.get()
    if stack:
        stack[-1].instantiated = False


def instantiated(rows: int) -> None:
    """The current frame's object exists; ``rows`` new objects were added to the session."""
    stack = _frames.get()
    if stack:
        stack[-1].instantiated = True
        stack[-1].rows += rows


def reused(factory: Any, via: str) -> None:
    """A ``default()`` block or ``recycle()`` stood in for an object ``factory`` would have made."""
    stack = _frames.get()
    if not stack:
        return
    above = stack[-1]
    frame = _Frame(factory, "reuse", (), 1, via, (*above.chain, above.factory), 0.0)
    _emit(frame, 0.0)
