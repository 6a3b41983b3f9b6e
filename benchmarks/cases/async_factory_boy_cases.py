"""async-factory-boy (PyPI ``async-factory-boy``): ``AsyncSQLAlchemyFactory``.

Its ``create`` adds the object and commits, then commits again; ``create_batch`` awaits ``create``
once per object, so a batch costs two COMMITs per object (three per post with its author).
It has no flush-only mode and no zero-configuration mode.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import factory
from async_factory_boy.factory.sqlalchemy import AsyncSQLAlchemyFactory

from ..schema import Post, User
from . import AsyncCreate, AsyncRunner, AsyncTarget, UnsupportedCaseError, pick


class UserFactory(AsyncSQLAlchemyFactory):  # type: ignore[misc]  # the package ships no type hints
    class Meta:
        model = User

    name = "Bench User"
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    role = "member"


class FakerUserFactory(UserFactory):
    name = factory.Faker("name")


class PostFactory(AsyncSQLAlchemyFactory):  # type: ignore[misc]
    class Meta:
        model = Post

    title = "Hello"
    author = factory.SubFactory(UserFactory)


FACTORIES: dict[str, Any] = {"users": UserFactory, "faker": FakerUserFactory, "posts": PostFactory}


def _bind(session: Any) -> None:
    for model_factory in FACTORIES.values():
        model_factory._meta.sqlalchemy_session = session


class Runner(AsyncRunner):
    async def populate(self, target: AsyncTarget, case: str, n: int) -> None:
        if case == "zero":
            raise UnsupportedCaseError("async-factory-boy has no zero-configuration mode")
        model_factory = pick(FACTORIES, case)
        async with target.sessions() as session:
            _bind(session)
            await model_factory.create_batch(n)  # commits after every object

    def build(self, n: int) -> list[Any]:
        users: list[Any] = UserFactory.build_batch(n)
        return users

    @asynccontextmanager
    async def single(self, target: AsyncTarget) -> AsyncIterator[AsyncCreate]:
        async with target.sessions() as session:
            _bind(session)
            yield UserFactory.create  # commits twice: it has no flush-only mode
            await session.commit()


def runner(variant: str) -> Runner:
    return Runner()
