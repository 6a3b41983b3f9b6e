"""``UserFactory.default(user)``: in the block, every SubFactory and automatic parent of the model,
at any depth and in every call, uses ``user`` — context-local, so concurrent tasks do not mix."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import ConfigurationError, ModelFactory

from .factories import CommentFactory, PostFactory, UserFactory
from .models import Post, User
from .readback import fetch_one


class BarePostFactory(ModelFactory[Post]):
    """No ``author`` declaration: its required author is an automatic parent."""

    title = "bare"


def test_every_parent_at_any_depth_is_the_default() -> None:
    user = UserFactory.build()
    with UserFactory.default(user) as given:
        assert given is user
        post = PostFactory.build()
        comment = CommentFactory.build()  # its own author, and its post's author
        bare = BarePostFactory.build()
    assert post.author is user and bare.author is user
    assert comment.author is user and comment.post.author is user
    assert PostFactory.build().author is not user  # the block has ended


def test_a_keyword_and_recycle_still_win() -> None:
    user, other, third = UserFactory.build_batch(3)
    with UserFactory.default(user):
        assert PostFactory.build(author=other).author is other
        assert PostFactory.recycle(third).build().author is third
        assert PostFactory.build().author is user


def test_an_inner_block_wins_until_it_ends() -> None:
    outer, inner = UserFactory.build_batch(2)
    with UserFactory.default(outer):
        with UserFactory.default(inner):
            assert PostFactory.build().author is inner
        assert PostFactory.build().author is outer


async def test_create_many_writes_no_new_parent(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await UserFactory.create(session=session)
    async with UserFactory.default(user):
        posts = await PostFactory.create_many(3, session=session)
        await CommentFactory.create(session=session)
    await session.commit()
    assert {post.author_id for post in posts} == {user.id}
    assert await fetch_one(fresh_session, select(func.count()).select_from(User)) == 1


async def test_concurrent_tasks_do_not_mix(session: AsyncSession) -> None:
    user = UserFactory.build()

    async def with_default() -> User:
        async with UserFactory.default(user):
            await asyncio.sleep(0)
            return PostFactory.build().author

    async def without() -> User:
        await asyncio.sleep(0)
        return PostFactory.build().author

    inside, outside = await asyncio.gather(with_default(), without())
    assert inside is user and outside is not user


def test_an_instance_of_another_model_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"UserFactory\.default\(\): .* \(Post\) is not an instance of User"):
        UserFactory.default(PostFactory.build())  # type: ignore[arg-type]  # the mistake under test
