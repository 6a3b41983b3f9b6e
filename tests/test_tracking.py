"""``tracking()``: the rows the factories created in a block are deleted when it ends, exactly
those, however they were committed; rows made otherwise stay.

The schema has a three-level foreign-key chain (a comment's post's author) and a many-to-many
table (``post_tags``). Rows are counted through a separate connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from asyncfactories import CreatedRows, ModelFactory, RelatedFactory, SubFactory, tracking

from .factories import CommentFactory, PostFactory, TagFactory, UserFactory
from .models import Comment, Post, Tag, User, post_tags

TABLES = (User, Post, Comment, Tag, post_tags)


class CommentedPostFactory(PostFactory):
    """A post with a RelatedFactory comment (whose author is a new user)."""

    comment = RelatedFactory(CommentFactory, factory_related_name="post")


class CommentOnNewPostFactory(ModelFactory[Comment]):
    text = "First!"
    post = SubFactory(PostFactory)
    author = SubFactory(UserFactory)


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        counts = {}
        for table in TABLES:
            selectable = table if not isinstance(table, type) else table.__table__
            counts[selectable.name] = (
                await connection.execute(select(func.count()).select_from(selectable))
            ).scalar_one()
        return counts


@pytest.fixture
async def earlier_rows(engine: AsyncEngine) -> AsyncIterator[dict[str, int]]:
    """A user, a post, a tag and their association row written without the factories."""
    async with engine.begin() as connection:
        user_id = (
            await connection.execute(insert(User).values(name="kept", email="kept@test.example"))
        ).inserted_primary_key[0]
        post_id = (await connection.execute(insert(Post).values(title="kept", author_id=user_id))).inserted_primary_key[
            0
        ]
        tag_id = (await connection.execute(insert(Tag).values(name="kept"))).inserted_primary_key[0]
        await connection.execute(insert(post_tags).values(post_id=post_id, tag_id=tag_id))
    yield await _counts(engine)
    async with engine.begin() as connection:
        for table in (post_tags, Comment.__table__, Tag.__table__, Post.__table__, User.__table__):
            await connection.execute(table.delete())


async def test_tracking_deletes_exactly_what_the_factories_created(
    engine: AsyncEngine, earlier_rows: dict[str, int]
) -> None:
    async with tracking(engine) as created:
        async with async_sessionmaker(engine)() as session:
            tags = await TagFactory.create_many(2, session=session)
            await PostFactory.create(session=session, tags=tags)  # two post_tags rows
            await CommentOnNewPostFactory.create_many(3, session=session)  # comment -> post -> user
            await CommentedPostFactory.create(session=session)  # and its RelatedFactory comment
            await session.commit()
        during = await _counts(engine)

    assert isinstance(created, CreatedRows)
    assert during == {
        "users": earlier_rows["users"] + 1 + 3 + 3 + 1 + 1,
        "posts": earlier_rows["posts"] + 1 + 3 + 1,
        "comments": 3 + 1,
        "tags": earlier_rows["tags"] + 2,
        "post_tags": earlier_rows["post_tags"] + 2,
    }
    assert await _counts(engine) == earlier_rows


async def _create_then_fail(engine: AsyncEngine) -> None:
    async with tracking(engine):
        async with async_sessionmaker(engine)() as session:
            await CommentOnNewPostFactory.create(session=session)
            await session.commit()
        raise RuntimeError("the test failed")


async def test_the_rows_go_even_when_the_block_raises(engine: AsyncEngine, earlier_rows: dict[str, int]) -> None:
    with pytest.raises(RuntimeError, match="the test failed"):
        await _create_then_fail(engine)
    assert await _counts(engine) == earlier_rows


async def test_rows_never_committed_are_no_trouble(engine: AsyncEngine, earlier_rows: dict[str, int]) -> None:
    async with tracking(engine) as created, async_sessionmaker(engine)() as session:
        await PostFactory.create_many(2, session=session)
        await session.rollback()
    assert len(created) == 4
    assert await _counts(engine) == earlier_rows


async def test_nested_blocks_each_delete_their_own(engine: AsyncEngine, earlier_rows: dict[str, int]) -> None:
    async with tracking(engine) as outer, async_sessionmaker(engine)() as session:
        await UserFactory.create(session=session)
        async with tracking(engine) as inner:
            await PostFactory.create(session=session)
            await session.commit()
        assert (await _counts(engine))["posts"] == earlier_rows["posts"]  # the inner block's post is gone
        assert (await _counts(engine))["users"] == earlier_rows["users"] + 1
    assert (len(inner), len(outer)) == (2, 3)
    assert await _counts(engine) == earlier_rows


@pytest.mark.usefixtures("sync_session")  # empties the tables afterwards
def test_a_sync_engine_with_sync_sessions(sync_engine: Engine) -> None:
    with sync_engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(Post)).scalar_one()
    with tracking(sync_engine) as created, Session(sync_engine) as session:
        CommentOnNewPostFactory.create_batch_sync(2, session=session)
        session.commit()
    with sync_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Post)).scalar_one() == before
    assert len(created) == 8  # two comments, their posts, the posts' authors and the comments' authors


async def test_the_wrong_kind_of_block_is_a_type_error(engine: AsyncEngine, sync_engine: Engine) -> None:
    with pytest.raises(TypeError, match="needs 'async with'"), tracking(engine):
        pass
    with pytest.raises(TypeError, match="needs 'with', not 'async with'"):
        async with tracking(sync_engine):
            pass
    with pytest.raises(TypeError, match="takes an AsyncEngine or an Engine, got AsyncSession"):
        tracking(AsyncSession(engine))  # type: ignore[arg-type]  # the mistake under test
