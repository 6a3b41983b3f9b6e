"""Values that never repeat in the process (see docs/guides/zero-config.md), across factories, tasks and threads.

Each unique column (keyed ``"table.column"``, so every factory and subclass for it shares the
key) draws numbers 1, 2, 3, … from one process-wide, lock-protected counter, and the built-in
generators turn number ``n`` into a value injectively: ``n`` itself for integers, ``n`` days
after a fixed date, ``n`` in the low bits of a UUID, and for strings ``tagged()`` below.
Custom generators (``Meta.type_generators``) cannot be made injective, so their values are
remembered per column and drawn again on a repeat.

``reset_unique_values()`` restarts every counter, e.g. between tests whose rows are rolled
back; after it, values handed out before may come again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..exceptions import ConfigurationError

__all__ = ["exhausted", "next_number", "remember", "reset_unique_values", "start_unique_values_after", "tagged"]

_lock = threading.Lock()
_counters: dict[str, int] = {}
_floors: dict[str, int] = {}
_seen: dict[str, set[Any]] = {}
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


def remember(key: str, draw: Callable[[], Any]) -> Any:
    """Call ``draw`` until it returns a value not handed out before for ``key``."""
    for _ in range(_MAX_ATTEMPTS):
        value = draw()
        marker = repr(value) if not _hashable(value) else value
        with _lock:
            seen = _seen.setdefault(key, set())
            if marker not in seen:
                seen.add(marker)
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
