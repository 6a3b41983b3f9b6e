"""What every library module under ``benchmarks/cases`` provides.

A module exposes ``runner(variant) -> AsyncRunner | SyncRunner``. A runner implements the cases
its library can do and raises :class:`UnsupportedCaseError` (with the reason) for the others:

- ``populate(target, case, n)`` writes ``n`` objects of case ``users`` / ``faker`` / ``posts`` /
  ``zero`` and commits (timed as a whole);
- ``build(n)`` builds ``n`` users without a database;
- ``single(target)`` is a context manager around one transaction yielding ``create_one()``,
  which creates and flushes one user (timed per call).
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "AsyncRunner",
    "AsyncTarget",
    "SyncRunner",
    "SyncTarget",
    "UnsupportedCaseError",
    "next_email",
    "pick",
]

_emails = itertools.count(1)


def next_email() -> str:
    """A unique address for libraries without a sequence declaration (unique within the process)."""
    return f"person{next(_emails)}@example.com"


class UnsupportedCaseError(Exception):
    """This library cannot run this case; the message says why."""


@dataclass(frozen=True)
class AsyncTarget:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class SyncTarget:
    engine: Engine
    sessions: sessionmaker[Session]


AsyncCreate = Callable[[], Awaitable[object]]
SyncCreate = Callable[[], object]


class AsyncRunner:
    """A library that writes through an ``AsyncEngine`` / ``AsyncSession``."""

    asynchronous = True

    async def populate(self, target: AsyncTarget, case: str, n: int) -> None:
        raise UnsupportedCaseError(f"no {case!r} case")

    def single(self, target: AsyncTarget) -> AbstractAsyncContextManager[AsyncCreate]:
        raise UnsupportedCaseError("no single-create case")

    def build(self, n: int) -> list[Any]:
        raise UnsupportedCaseError("no build case")


class SyncRunner:
    """A library that writes through a synchronous ``Engine`` / ``Session``."""

    asynchronous = False

    def populate(self, target: SyncTarget, case: str, n: int) -> None:
        raise UnsupportedCaseError(f"no {case!r} case")

    def single(self, target: SyncTarget) -> AbstractContextManager[SyncCreate]:
        raise UnsupportedCaseError("no single-create case")

    def build(self, n: int) -> list[Any]:
        raise UnsupportedCaseError("no build case")


def pick(factories: dict[str, Any], case: str) -> Any:
    """The factory for ``case``, or :class:`UnsupportedCaseError`."""
    try:
        return factories[case]
    except KeyError:
        raise UnsupportedCaseError(f"no {case!r} case") from None
