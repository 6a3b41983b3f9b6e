"""Where the sequences and unique counters stand: restarted per test, or continued after shared data.

Each test restarts every factory's sequences and the counters behind generated unique values, so
it builds the same data alone or in a full run. A test that uses data shared by its module
(``shared_data``) must not hand out those values again: its counters continue after the latest
shared data still alive (a ``CounterFloor``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from ..autogen import reset_unique_values, restore_unique_values, unique_values_state
from ..definition.counters import restore_seq, seq_state
from ..factory import ModelFactory

__all__ = ["CounterFloor", "factory_classes", "restart_counters", "restart_sequences"]


def factory_classes(root: type[Any] = ModelFactory) -> Iterator[type[Any]]:
    """Every subclass of ``root``, at any depth, once."""
    seen: set[type[Any]] = set()
    pending = list(root.__subclasses__())
    while pending:
        klass = pending.pop()
        if klass not in seen:
            seen.add(klass)
            pending.extend(klass.__subclasses__())
            yield klass


def restart_sequences() -> None:
    """``_reset_seq()`` on every ``ModelFactory`` subclass: sequences start again at 0 / 1."""
    for klass in factory_classes():
        klass._reset_seq()


def restart_counters() -> None:
    """Sequences and unique counters from the start, or after the latest shared data still alive."""
    restart_sequences()
    reset_unique_values()
    latest = CounterFloor.latest()
    if latest is not None:
        latest.restore()


class CounterFloor:
    """Every factory's sequence counters and the unique counters, as they stood at one moment."""

    #: The floors of the shared data alive now, oldest first.
    _alive: ClassVar[list[CounterFloor]] = []

    def __init__(self) -> None:
        self._sequences = {klass: seq_state(klass) for klass in factory_classes()}
        self._unique = unique_values_state()

    def restore(self) -> None:
        """Put the counters back where they stood (factories defined since start from 0)."""
        for klass, state in self._sequences.items():
            restore_seq(klass, state)
        restore_unique_values(self._unique)

    @classmethod
    def latest(cls) -> CounterFloor | None:
        """The floor of the shared data created last and still alive, if any."""
        return cls._alive[-1] if cls._alive else None

    @classmethod
    @contextmanager
    def taken(cls) -> Iterator[CounterFloor]:
        """Take the floor now; tests continue after it until the block ends (the data is gone)."""
        floor = cls()
        cls._alive.append(floor)
        try:
            yield floor
        finally:
            cls._alive.remove(floor)
