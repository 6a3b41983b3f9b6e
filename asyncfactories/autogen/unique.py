"""Values that never repeat in the process (see docs/guides/zero-config.md), across factories, tasks and threads.

Each unique column (keyed ``"table.column"``, so every factory and subclass for it shares the
key) draws numbers 1, 2, 3, … from one process-wide, lock-protected counter, and the built-in
generators turn number ``n`` into a value injectively: ``n`` itself for integers, ``n`` days
after a fixed date, ``n`` in the low bits of a UUID, and for strings ``tagged()`` below.
Custom generators (``Meta.type_generators``) cannot be made injective: the last
``REMEMBERED`` values of each column are kept, and a value among them is drawn again. Memory
stays flat however many rows are made; a repeat of an older value is left to the database's
unique constraint.

``reset_unique_values()`` restarts every counter, e.g. between tests whose rows are rolled
back; after it, values handed out before may come again.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from ..exceptions import ConfigurationError

__all__ = [
    "REMEMBERED",
    "exhausted",
    "next_number",
    "remember",
    "reset_unique_values",
    "restore_unique_values",
    "start_unique_values_after",
    "tagged",
    "unique_values_state",
]

#: How many of a custom generator's latest values are checked against, per unique column.
REMEMBERED = 10_000

_lock = threading.Lock()
_counters: dict[str, int] = {}
_floors: dict[str, int] = {}
_seen: dict[str, _Window] = {}
_DIGITS = "0123456789"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_MAX_ATTEMPTS = 100


def next_number(key: str) -> int:
    """The next number (from 1) for ``key``; never the same twice until a reset."""
    with _lock:
        value = max(_counters.get(key, 0), _floors.get(key.split(".", 1)[0], 0)) + 1
        _counters[key] = value
    return value


def start_unique_values_after(table: str, count: int) -> None:
    """Make the counters of ``table``'s unique columns continue after ``count``.

    For filling a table that already holds ``count`` rows made by earlier runs, whose numbers
    1 to ``count`` are taken (``asyncfactories seed`` on an existing database).
    """
    with _lock:
        _floors[table] = max(_floors.get(table, 0), count)


class _Window:
    """The latest ``REMEMBERED`` values of one column: a set to look up, a queue to forget."""

    def __init__(self) -> None:
        self.members: set[Any] = set()
        self.order: deque[Any] = deque()

    def add(self, marker: Any) -> bool:
        """Remember ``marker``; False (and nothing changed) if it is among the latest values."""
        if marker in self.members:
            return False
        if len(self.order) >= REMEMBERED:
            self.members.discard(self.order.popleft())
        self.order.append(marker)
        self.members.add(marker)
        return True


def remember(key: str, draw: Callable[[], Any]) -> Any:
    """Call ``draw`` until it returns a value not among the latest handed out for ``key``."""
    for _ in range(_MAX_ATTEMPTS):
        value = draw()
        marker = repr(value) if not _hashable(value) else value
        with _lock:
            window = _seen.get(key)
            if window is None:
                window = _seen[key] = _Window()
            if window.add(marker):
                return value
    raise ConfigurationError(
        f"column {key}: the custom generator returned only repeated values in {_MAX_ATTEMPTS} tries, "
        f"but the column is unique; make the generator return distinct values (e.g. include a counter)"
    )


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def reset_unique_values() -> None:
    """Restart every unique counter and forget remembered values."""
    with _lock:
        _counters.clear()
        _floors.clear()
        _seen.clear()


def unique_values_state() -> tuple[dict[str, int], dict[str, int], dict[str, tuple[Any, ...]]]:
    """Where every unique counter stands, and the remembered values: for ``restore_unique_values``."""
    with _lock:
        return dict(_counters), dict(_floors), {key: tuple(window.order) for key, window in _seen.items()}


def restore_unique_values(state: tuple[dict[str, int], dict[str, int], dict[str, tuple[Any, ...]]]) -> None:
    """Put the unique counters (and remembered values) back where ``unique_values_state`` saw them."""
    counters, floors, seen = state
    with _lock:
        _counters.clear()
        _counters.update(counters)
        _floors.clear()
        _floors.update(floors)
        _seen.clear()
        for key, markers in seen.items():
            window = _seen[key] = _Window()
            for marker in markers:
                window.add(marker)


def exhausted(key: str, what: str, used: int) -> ConfigurationError:
    """The error for a unique column whose type cannot hold another distinct value."""
    return ConfigurationError(
        f"column {key}: no more unique values fit {what} ({used - 1} handed out); widen the column "
        f"or declare the field on the factory"
    )


def _letters(index: int) -> str:
    """1 -> 'a', 26 -> 'z', 27 -> 'aa', ... (bijective base 26)."""
    out = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        out = _LETTERS[remainder] + out
    return out


def tagged(prefix: str, n: int, length: int | None, suffix: str = "", key: str = "") -> str:
    """A string, distinct for each ``n``, of at most ``length`` characters.

    ``prefix`` (cut to fit, never ending in a digit) + decimal ``n`` + ``suffix``: the run of
    digits before the suffix is exactly ``n``, so two different ``n`` never give the same
    string, whatever the prefixes — even compared case- and accent-insensitively, as MariaDB
    does. When the suffix does not fit it is dropped (those strings end in a digit, the others
    do not); when even ``n`` does not fit, letters-only strings follow (no digit at all).
    """
    tag = str(n)
    if length is None or len(tag) + len(suffix) <= length:
        room = None if length is None else length - len(tag) - len(suffix)
        return prefix[:room].rstrip(_DIGITS) + tag + suffix
    if len(tag) <= length:
        return prefix[: length - len(tag)].rstrip(_DIGITS) + tag
    letters = _letters(n - (10**length - 1))
    if len(letters) > length:
        raise exhausted(key, f"{length} characters", n)
    return letters
