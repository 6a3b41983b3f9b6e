"""``FactoryBuilder`` as a user's type checker sees it (SPEC §5.2, §11), checked by
``tests/test_typing.py`` with ``mypy --strict``.

Every refining method keeps the model type, every build / create method returns the model (or a
list of it); the last function holds lines mypy must reject. Nothing here runs.
"""

from __future__ import annotations

import sys
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from asyncfactories import FactoryBuilder

from .check_factories import Post, PostFactory, User, UserFactory

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # pragma: no cover - Python 3.10
    from typing_extensions import assert_type


def check_refining(s: AsyncSession, user: User) -> None:
    assert_type(UserFactory.state("admin"), FactoryBuilder[User])
    assert_type(UserFactory.using(s), FactoryBuilder[User])
    assert_type(PostFactory.recycle(user), FactoryBuilder[Post])
    assert_type(UserFactory.has(PostFactory, 3), FactoryBuilder[User])
    assert_type(UserFactory.has(PostFactory.state(), 3, relationship="posts"), FactoryBuilder[User])
    assert_type(PostFactory.for_(user), FactoryBuilder[Post])
    builder = UserFactory.state("admin")
    assert_type(builder.state("admin").using(s).recycle().has(PostFactory).for_(user), FactoryBuilder[User])


def check_building(builder: FactoryBuilder[User]) -> None:
    assert_type(builder.build(), User)
    assert_type(builder.make(name="x"), User)
    assert_type(builder.build_batch(2), list[User])
    assert_type(builder.make_batch(size=2), list[User])
    assert_type(builder.batch(2), list[User])
    assert_type(builder.attributes(), dict[str, Any])
    assert_type(builder.build_stubbed(), User)


async def check_creating(builder: FactoryBuilder[User], s: AsyncSession) -> None:
    assert_type(await builder.create(session=s), User)
    assert_type(await builder.create_async(), User)
    assert_type(await builder.create_many(2), list[User])
    assert_type(await builder.create_batch(size=2, session=s), list[User])
    assert_type(await builder.create_batch_async(2), list[User])


def check_creating_sync(builder: FactoryBuilder[User], s: Session) -> None:
    assert_type(builder.create_sync(session=s), User)
    assert_type(builder.create_batch_sync(2, session=s), list[User])


async def wrong(builder: FactoryBuilder[User], s: AsyncSession) -> None:
    post: Post = builder.build()  # type: ignore[assignment]
    user: User = builder.create(session=s)  # type: ignore[assignment]
    posts: FactoryBuilder[Post] = UserFactory.state("admin")  # type: ignore[assignment]
    print(post, user, posts)
    builder.state(1)  # type: ignore[arg-type]
    builder.build_batch("2")  # type: ignore[arg-type]
