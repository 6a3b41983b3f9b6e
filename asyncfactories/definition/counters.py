"""``ModelFactory._next_seq()``: a counter per factory class, safe across threads."""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["next_seq", "reset_seq", "restore_seq", "seq_state"]

_lock = threading.Lock()
_ATTRIBUTE = "_asyncfactories_seq"


def next_seq(factory: Any) -> int:
    """1, 2, 3, … per factory class (a subclass counts on its own)."""
    with _lock:
        value: int = factory.__dict__.get(_ATTRIBUTE, 0) + 1
        setattr(factory, _ATTRIBUTE, value)
    return value


def reset_seq(factory: Any) -> None:
    """Restart ``next_seq`` at 1 and factory_boy's ``Sequence`` counter of ``factory``."""
    with _lock:
        setattr(factory, _ATTRIBUTE, 0)
    # None only on a class whose definition raised half-way (a bad Meta option): such a
    # class still shows up in ModelFactory.__subclasses__() until it is collected.
    if factory._meta.counter_reference is not None:
        factory._meta.reset_sequence(force=True)


def seq_state(factory: Any) -> tuple[int, int | None]:
    """Where ``next_seq`` and factory_boy's ``Sequence`` counter of ``factory`` stand."""
    counter = getattr(factory._meta, "_counter", None)  # None before the first Sequence value
    return factory.__dict__.get(_ATTRIBUTE, 0), None if counter is None else counter.seq


def restore_seq(factory: Any, state: tuple[int, int | None]) -> None:
    """Put both counters of ``factory`` back where ``seq_state`` saw them."""
    own, sequence = state
    with _lock:
        setattr(factory, _ATTRIBUTE, own)
    if sequence is not None and factory._meta.counter_reference is not None:
        factory._meta.reset_sequence(sequence, force=True)
