"""Hand-written SQLAlchemy ORM, the baseline: build in a loop, ``add_all``, one ``flush``, ``commit``.

The zero-config case has no hand-written form: its ratio is taken against the cheap-users row.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from faker import Faker

from ..schema import Post, User
from . import (
    AsyncCreate,
    AsyncRunner,
    AsyncTarget,
    SyncCreate,
    SyncRunner,
    SyncTarget,
    UnsupportedCaseError,
    next_email,
)

fake = Faker()


def users(n: int) -> list[Any]:
    return [User(name="Bench User", email=next_email(), role="member") for _ in range(n)]


def faker_users(n: int) -> list[Any]:
    return [User(name=fake.name(), email=next_email(), role="member") for _ in range(n)]


def posts(n: int) -> list[Any]:
    return [Post(title="Hello", author=User(name="Bench User", email=next_email(), role="member")) for _ in range(n)]


BUILDERS: dict[str, Callable[[int], list[Any]]] = {"users": users, "faker": faker_users, "posts": posts}


def _objects(case: str, n: int) -> list[Any]:
    if case not in BUILDERS:
        raise UnsupportedCaseError("no hand-written zero-config form; compared with the cheap-users row")
    return BUILDERS[case](n)


class SyncOrmRunner(SyncRunner):
    def populate(self, target: SyncTarget, case: str, n: int) -> None:
        with target.sessions() as session:
            session.add_all(_objects(case, n))
            session.flush()
            session.commit()

    def build(self, n: int) -> list[Any]:
        return users(n)

    @contextmanager
    def single(self, target: SyncTarget) -> Iterator[SyncCreate]:
        with target.sessions() as session:

            def create_one() -> object:
                user = users(1)[0]
                session.add(user)
                session.flush()
                return user

            yield create_one
            session.commit()


class AsyncOrmRunner(AsyncRunner):
    async def populate(self, target: AsyncTarget, case: str, n: int) -> None:
        async with target.sessions() as session:
            session.add_all(_objects(case, n))
            await session.flush()
            await session.commit()

    def build(self, n: int) -> list[Any]:
        return users(n)

    @asynccontextmanager
    async def single(self, target: AsyncTarget) -> AsyncIterator[AsyncCreate]:
        async with target.sessions() as session:

            async def create_one() -> object:
                user = users(1)[0]
                session.add(user)
                await session.flush()
                return user

            yield create_one
            await session.commit()


def runner(variant: str) -> SyncOrmRunner | AsyncOrmRunner:
    return SyncOrmRunner() if variant == "sync" else AsyncOrmRunner()
