"""seedgraph (PyPI ``seedgraph``): ``seed_async(session, Model, shape...)``.

One call builds a graph from a root model: ``seed_async(session, User, user=n)`` makes ``n``
users, ``post=1`` gives each one post. It flushes through the unit of work, then verifies every
foreign key of the graph; unique columns are generated unique (checked against the rows already
in the table). Values are pinned with ``overrides={Model: {column: value or callable}}``. There
is no build without a session, and no factory class: the cases here are what its API expresses.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from seedgraph import seed_async

from ..schema import Post, User
from . import AsyncCreate, AsyncRunner, AsyncTarget, UnsupportedCaseError, next_email

#: The cheap users of case (a): a constant name and role, a unique address.
_CHEAP: dict[Any, dict[str, Any]] = {User: {"name": "Bench User", "role": "member", "email": lambda ctx: next_email()}}
_FAKER: dict[Any, dict[str, Any]] = {User: {"role": "member", "email": lambda ctx: next_email()}}
_GENERATORS: dict[Any, dict[str, Any]] = {User: {"name": lambda ctx: ctx.fake.name()}}
_POSTS: dict[Any, dict[str, Any]] = {**_CHEAP, Post: {"title": "Hello"}}


class SeedgraphRunner(AsyncRunner):
    async def populate(self, target: AsyncTarget, case: str, n: int) -> None:
        async with target.sessions() as session:
            if case == "users":
                await seed_async(session, User, user=n, overrides=_CHEAP)
            elif case == "faker":
                await seed_async(session, User, user=n, overrides=_FAKER, generators=_GENERATORS)
            elif case == "posts":  # each user with one post: n posts, each with its own author
                await seed_async(session, User, user=n, post=1, overrides=_POSTS)
            elif case == "zero":
                await seed_async(session, User, user=n)
            else:
                raise UnsupportedCaseError(f"no {case!r} case")
            await session.commit()

    @asynccontextmanager
    async def single(self, target: AsyncTarget) -> AsyncIterator[AsyncCreate]:
        async with target.sessions() as session:

            async def create_one() -> object:
                return await seed_async(session, User, user=1, overrides=_CHEAP)

            yield create_one
            await session.commit()


def runner(variant: str) -> SeedgraphRunner:
    return SeedgraphRunner()
