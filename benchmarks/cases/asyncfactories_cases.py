"""asyncfactories: ``await Factory.create_many(n, session=s)`` (default ``"flush"`` mode), then commit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import factory

from asyncfactories import ModelFactory

from ..schema import Post, User
from . import AsyncCreate, AsyncRunner, AsyncTarget, UnsupportedCaseError, pick


class UserFactory(ModelFactory[User]):
    name = "Bench User"
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    role = "member"


class FakerUserFactory(UserFactory):
    name = factory.Faker("name")


class PostFactory(ModelFactory[Post]):
    title = "Hello"
    author = factory.SubFactory(UserFactory)


class UnisolatedUserFactory(UserFactory):
    """No SAVEPOINT per create (``Meta.isolate_failures = False``): the single-create case only."""

    class Meta:
        isolate_failures = False


class ZeroConfigUserFactory(ModelFactory[User]):
    """No declarations: every required column must come from the column types (see docs/guides/zero-config.md)."""


FACTORIES: dict[str, Any] = {
    "users": UserFactory,
    "faker": FakerUserFactory,
    "posts": PostFactory,
    "zero": ZeroConfigUserFactory,
}


def _check_zero_config() -> None:
    user = ZeroConfigUserFactory.build()
    missing = [key for key in ("name", "email", "role") if getattr(user, key) is None]
    if missing:
        raise UnsupportedCaseError(f"not implemented yet: build() leaves {', '.join(missing)} unset")


class Runner(AsyncRunner):
    def __init__(self, single_factory: Any = UserFactory) -> None:
        self.single_factory = single_factory

    async def populate(self, target: AsyncTarget, case: str, n: int) -> None:
        if case == "zero":
            _check_zero_config()
        model_factory = pick(FACTORIES, case)
        async with target.sessions() as session:
            await model_factory.create_many(n, session=session)
            await session.commit()

    def build(self, n: int) -> list[Any]:
        return UserFactory.build_batch(n)

    @asynccontextmanager
    async def single(self, target: AsyncTarget) -> AsyncIterator[AsyncCreate]:
        async with target.sessions() as session:

            async def create_one() -> object:
                return await self.single_factory.create(session=session)

            yield create_one
            await session.commit()


def runner(variant: str) -> Runner:
    return Runner(UnisolatedUserFactory if variant == "unisolated" else UserFactory)
