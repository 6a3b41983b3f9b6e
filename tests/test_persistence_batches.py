"""SPEC §4.4: ``create_many`` writes with one flush, batched INSERTs and no query per row;
SubFactory parents and RelatedFactory children go in the same call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import LazyAttribute, ModelFactory, RelatedFactory, SelfAttribute, Sequence, SubFactory

from .conftest import StatementLog
from .factories import CommentFactory, PostFactory, UserFactory
from .models import Comment, Post, User
from .persistence_helpers import column_values, count_rows, counting_flushes


class PostWithAuthorIdFactory(ModelFactory[Post]):
    """Reads the database-generated id of its SubFactory parent while it is being built."""

    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(UserFactory)
    author_id = SelfAttribute("author.id")


class PostTitledByAuthorFactory(ModelFactory[Post]):
    title = LazyAttribute(lambda post: f"by author {post.author.id}")
    author = SubFactory(UserFactory)


class AuthorWithPostFactory(UserFactory):
    email = Sequence(lambda n: f"author-with-post{n}@test.example")
    post = RelatedFactory(PostFactory, factory_related_name="author", title="First post")


class CommentOnPostFactory(ModelFactory[Comment]):
    text = "Nice"
    author = SubFactory(UserFactory)
    post = SubFactory(PostFactory, author=SelfAttribute("..author"))


async def test_create_many_flushes_at_most_once(session: AsyncSession) -> None:
    """The bulk path writes without the unit of work (no flush at all); the fallback flushes once."""
    with counting_flushes(session) as flushes:
        await PostFactory.create_many(10, session=session)

    assert len(flushes) <= 1


async def test_create_many_sends_one_insert_per_table_where_the_dialect_batches(
    session: AsyncSession, statements: StatementLog, backend: str
) -> None:
    n = 10
    posts = await PostFactory.create_many(n, session=session)

    assert len({post.author.id for post in posts}) == n
    inserts = [sql for sql in statements.statements if sql.lstrip().upper().startswith("INSERT")]
    users = [sql for sql in inserts if "INTO users" in sql]
    posts_sql = [sql for sql in inserts if "INTO posts" in sql]
    assert len(users) + len(posts_sql) == len(inserts)
    # One batch per table, parents first. On SQLite (whose RETURNING does not promise row order)
    # the batch is one executemany; on PostgreSQL and MariaDB one INSERT ... RETURNING.
    assert (len(users), len(posts_sql)) == (1, 1)
    assert inserts == users + posts_sql


@pytest.mark.parametrize("size", [2, 12])
async def test_create_many_sends_at_most_one_select_per_table(
    size: int, session: AsyncSession, statements: StatementLog, fresh_session: AsyncSession
) -> None:
    posts = await PostFactory.create_many(size, session=session)

    # PostgreSQL and MariaDB: INSERT ... RETURNING brings every column back, no SELECT at all.
    # SQLite: one SELECT per table reads the rows just written (by their consecutive rowids).
    selects = [sql for sql in statements.statements if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 2
    assert sum("FROM users" in sql for sql in selects) <= 1
    assert sum("FROM posts" in sql for sql in selects) <= 1
    assert all(isinstance(post.created_at, datetime) and post.author.score == 0 for post in posts)
    assert all(post.body is None and post.tags == [] and post.comments == [] for post in posts)
    assert all(post.author.posts == [post] for post in posts)
    await session.commit()
    assert (await count_rows(fresh_session, Post), await count_rows(fresh_session, User)) == (size, size)


async def test_create_sends_one_insert_and_no_select(session: AsyncSession, statements: StatementLog) -> None:
    user = await UserFactory.create(session=session)

    assert user.posts == []
    assert user.score == 0
    assert statements.count("INSERT") == 1
    assert statements.count("SELECT") == 0


async def test_create_many_with_a_shared_parent_inserts_it_once(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    author = await UserFactory.create(session=session)

    posts = await PostFactory.create_many(4, session=session, author=author)

    assert all(post.author is author for post in posts)
    assert sorted(author.posts, key=lambda post: post.id) == posts
    await session.commit()
    assert await count_rows(fresh_session, User) == 1
    assert await count_rows(fresh_session, Post, author_id=author.id) == 4


@pytest.mark.parametrize("size", [1, 5])
async def test_self_attribute_reads_the_database_generated_parent_id(
    size: int, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    posts = await PostWithAuthorIdFactory.create_many(size, session=session)

    assert all(isinstance(post.author.id, int) and post.author_id == post.author.id for post in posts)
    await session.commit()
    stored = await column_values(fresh_session, Post.id, Post.author_id)
    assert stored == sorted((post.id, post.author.id) for post in posts)


async def test_lazy_attribute_reads_the_database_generated_parent_id(session: AsyncSession) -> None:
    posts = await PostTitledByAuthorFactory.create_many(3, session=session)

    assert [post.title for post in posts] == [f"by author {post.author.id}" for post in posts]
    assert None not in [post.author.id for post in posts]


async def test_lazy_attribute_given_as_keyword_reads_the_parent_id(session: AsyncSession) -> None:
    post = await PostFactory.create(session=session, title=LazyAttribute(lambda o: f"by author {o.author.id}"))

    assert isinstance(post.author.id, int)
    assert post.title == f"by author {post.author.id}"


async def test_related_factory_children_are_created_in_the_same_call(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    with counting_flushes(session) as flushes:
        users = await AuthorWithPostFactory.create_many(3, session=session)

    assert len(flushes) == 1
    assert all([post.title for post in user.posts] == ["First post"] for user in users)
    assert all(isinstance(user.posts[0].id, int) for user in users)
    await session.commit()
    assert await count_rows(fresh_session, User) == 3
    assert await column_values(fresh_session, Post.author_id) == sorted((user.id,) for user in users)


async def test_nested_subfactories_create_every_parent(session: AsyncSession, fresh_session: AsyncSession) -> None:
    comments = await CommentFactory.create_many(2, session=session)

    assert all(comment.post.author.id != comment.author.id for comment in comments)
    assert all(comment.post.comments == [comment] for comment in comments)
    await session.commit()
    assert (await count_rows(fresh_session, Comment), await count_rows(fresh_session, Post)) == (2, 2)
    assert await count_rows(fresh_session, User) == 4


async def test_subfactory_sharing_a_parent_through_self_attribute_creates_it_once(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    comment = await CommentOnPostFactory.create(session=session)

    assert comment.post.author is comment.author
    await session.commit()
    assert await count_rows(fresh_session, User) == 1


class PostByAuthorIdFactory(ModelFactory[Post]):
    """Linked to its author by foreign-key value only: the ``author`` relationship is never set."""

    title = Sequence(lambda n: f"Linked by id {n}")
    author_id = LazyAttribute(lambda post: post.owner.id)

    class Params:
        owner = None


class AuthorWithPostByIdFactory(UserFactory):
    email = Sequence(lambda n: f"author-by-id{n}@test.example")
    post = RelatedFactory(PostByAuthorIdFactory, factory_related_name="owner")


class AuthorWithTitledPostFactory(UserFactory):
    email = Sequence(lambda n: f"author-titled{n}@test.example")
    post = RelatedFactory(PostFactory, "author", title=LazyAttribute(lambda post: f"by author {post.author.id}"))


async def test_related_factory_child_reading_the_parent_id_gets_it(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    users = await AuthorWithPostByIdFactory.create_many(3, session=session)

    assert all(isinstance(user.id, int) for user in users)
    await session.commit()
    assert await column_values(fresh_session, Post.author_id) == sorted((user.id,) for user in users)


async def test_collection_of_a_parent_linked_by_key_only_lists_the_child(session: AsyncSession) -> None:
    users = await AuthorWithPostByIdFactory.create_many(2, session=session)

    assert [[post.author_id for post in user.posts] for user in users] == [[user.id] for user in users]


async def test_related_factory_keyword_declaration_reads_the_parent_id(session: AsyncSession) -> None:
    user = await AuthorWithTitledPostFactory.create(session=session)

    assert [post.title for post in user.posts] == [f"by author {user.id}"]


async def test_rows_written_in_bulk_leave_the_session_when_their_savepoint_rolls_back(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    """The unit of work expunges what a rolled-back flush inserted; bulk-written rows must go
    too, or the next row given the same key would clash in the identity map."""
    savepoint = await session.begin_nested()
    rolled_back = await PostFactory.create_many(3, session=session)
    await savepoint.rollback()

    assert all(post not in session and post.author not in session for post in rolled_back)
    again = await PostFactory.create_many(3, session=session)  # may reuse the same keys
    await session.commit()
    assert await count_rows(fresh_session, Post) == 3
    written = {post_id for (post_id,) in (await fresh_session.execute(select(Post.id))).all()}
    assert {post.id for post in again} == written


async def test_a_closed_session_that_wrote_in_bulk_is_not_kept_alive(engine: Any, session: AsyncSession) -> None:
    """What the bulk path remembers lives in ``session.info``: a seed that opens a session per
    chunk must not pile them up (memory stays flat however many chunks)."""
    import gc
    import weakref

    from sqlalchemy.ext.asyncio import AsyncSession as Session

    async with Session(engine) as chunk_session:
        await PostFactory.create_many(3, session=chunk_session)
        await chunk_session.commit()
        sync_session = weakref.ref(chunk_session.sync_session)
    del chunk_session
    gc.collect()
    assert sync_session() is None
