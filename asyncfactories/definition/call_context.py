"""What the running call tells the options: the keywords it passed, and whether to move past
taken unique values (the global switch ``avoid_taken_values`` and the CLI's block of it)."""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator
from contextvars import ContextVar
from typing import Any

__all__ = ["avoid_taken_values", "avoiding_taken_values", "avoids_taken_values", "passed_keywords", "passing"]

_passed: ContextVar[Collection[str]] = ContextVar("asyncfactories_passed_keywords", default=())


@contextlib.contextmanager
def passing(keywords: Collection[str]) -> Iterator[None]:
    """Record the keywords the object being instantiated was given from outside its declarations."""
    token = _passed.set(keywords)
    try:
        yield
    finally:
        _passed.reset(token)


_avoid_taken_globally: list[bool] = [False]


def avoid_taken_values(enabled: bool = True) -> None:
    """Make every factory move past unique values the table already holds (see
    ``Meta.avoid_taken_values``, which wins where a factory sets it). The CLI's ``seed`` turns it on."""
    if not isinstance(enabled, bool):
        raise TypeError(f"avoid_taken_values() takes True or False, got {enabled!r}")
    _avoid_taken_globally[0] = enabled


@contextlib.contextmanager
def avoiding_taken_values() -> Iterator[None]:
    """``avoid_taken_values(True)`` for the block, then as it was (the CLI's ``seed``)."""
    previous = _avoid_taken_globally[0]
    _avoid_taken_globally[0] = True
    try:
        yield
    finally:
        _avoid_taken_globally[0] = previous


def avoids_taken_values(meta: Any) -> bool:
    """Whether a factory with these options moves past taken unique values."""
    own: bool | None = getattr(meta, "avoid_taken_values", None)
    return _avoid_taken_globally[0] if own is None else own


def passed_keywords() -> Collection[str]:
    """The keywords recorded by :func:`passing` for the object being instantiated (get-or-create reads them)."""
    return _passed.get()
