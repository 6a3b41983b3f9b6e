"""SPEC §5.4: relationships chosen at call time — ``recycle``, ``has`` and ``for_``."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from asyncfactories import ConfigurationError, ModelFactory, RelatedFactory, Sequence, SubFactory

from .conftest import StatementLog
from .factories import CommentFactory, PostFactory, TagFactory, UserFactory
from .models import Account, ApiKey, Comment, Post, Tag, Transfer, User
from .persistence_helpers import count_rows
from .readback import fetch_all, fetch_one


class AccountFactory(ModelFactory[Account]):
    name = Sequence(lambda n: f"account-{n}")


class TransferFactory(ModelFactory[Transfer]):
    amount = 10
    source = SubFactory(AccountFactory)
    target = SubFactory(AccountFactory)


class ApiKeyFactory(ModelFactory[ApiKey]):
    label = Sequence(lambda n: f"key-{n}")
    owner = SubFactory(UserFactory)


class DraftPostFactory(PostFactory):
    @classmethod
    def state_draft(cls) -> dict[str, Any]:
        return {"title": "Draft", "body": "draft body"}


class UserWithWelcomePostFactory(UserFactory):
    welcome_post = RelatedFactory(PostFactory, factory_related_name="author", title="Welcome")


def _inserts_into(statements: StatementLog, table: str) -> int:
    prefix = f"INSERT INTO {table.upper()} "
    return sum(1 for sql in statements.statements if sql.lstrip().upper().startswith(prefix))


# --------------------------------------------------------------------------- recycle


def test_recycle_reuses_the_instance_for_a_subfactory() -> None:
    user = UserFactory.build()
    posts = PostFactory.recycle(user).build_batch(3)
    assert all(post.author is user for post in posts)


def test_recycle_works_at_any_depth() -> None:
    user = UserFactory.build()
    comment = CommentFactory.recycle(user).build()
    assert comment.author is user
    assert comment.post.author is user


def test_several_recycled_instances_are_used_in_turn() -> None:
    first, second = UserFactory.build_batch(2)
    posts = PostFactory.recycle(first, second).build_batch(4)
    assert [post.author for post in posts] == [first, second, first, second]


def test_recycled_instances_of_several_models_each_replace_their_own_subfactories() -> None:
    user = UserFactory.build()
    post = PostFactory.build(author=user)
    comments = CommentFactory.recycle(post, user).build_batch(2)
    assert all(comment.post is post and comment.author is user for comment in comments)


def test_recycle_replaces_automatic_parents_too() -> None:
    class AutoCommentFactory(ModelFactory[Comment]):
        text = "automatic parents"

    user = UserFactory.build()
    comment = AutoCommentFactory.recycle(user).build()
    assert comment.author is user
    assert comment.post.author is user


def test_recycle_does_not_replace_the_object_being_built() -> None:
    user = UserFactory.build()
    assert UserFactory.recycle(user).build() is not user


def test_a_keyword_beats_a_recycled_instance() -> None:
    recycled, given = UserFactory.build_batch(2)
    assert PostFactory.recycle(recycled).build(author=given).author is given


def test_recycle_does_not_replace_related_factory_children() -> None:
    old_post = PostFactory.build(title="Old")
    user = UserWithWelcomePostFactory.recycle(old_post).build()
    assert [post.title for post in user.posts] == ["Welcome"]
    assert old_post.author is not user


def test_recycling_ends_with_the_call() -> None:
    user = UserFactory.build()
    PostFactory.recycle(user).build()
    assert PostFactory.build().author is not user


async def test_recycle_creates_no_new_parent(
    session: AsyncSession, fresh_session: AsyncSession, statements: StatementLog
) -> None:
    user = await UserFactory.create(session=session)
    post = await PostFactory.create(session=session, author=user)
    statements.clear()
    comments = await CommentFactory.recycle(user, post).create_many(3, session=session)
    assert _inserts_into(statements, "users") == 0
    assert _inserts_into(statements, "posts") == 0
    await session.commit()
    assert await count_rows(fresh_session, User) == 1
    assert await count_rows(fresh_session, Post) == 1
    rows = await fetch_all(fresh_session, select(Comment).order_by(Comment.id))
    assert [(row.id, row.post_id, row.author_id) for row in rows] == [(c.id, post.id, user.id) for c in comments]


async def test_recycle_at_depth_when_creating(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await UserFactory.create(session=session)
    comment = await CommentFactory.recycle(user).create(session=session)
    await session.commit()
    assert await count_rows(fresh_session, User) == 1
    row = await fetch_one(fresh_session, select(Comment).options(selectinload(Comment.post)))
    assert (row.id, row.author_id, row.post.author_id) == (comment.id, user.id, user.id)


# --------------------------------------------------------------------------- has


def test_has_builds_n_children_linked_to_each_parent() -> None:
    users = UserFactory.has(PostFactory, 3).build_batch(2)
    for user in users:
        assert len(user.posts) == 3
        assert all(post.author is user for post in user.posts)


def test_has_defaults_to_one_child_and_takes_zero() -> None:
    assert len(UserFactory.has(PostFactory).build().posts) == 1
    assert UserFactory.has(PostFactory, 0).build().posts == []


def test_has_rejects_a_negative_count() -> None:
    with pytest.raises(ValueError, match="must be a non-negative int, got -1"):
        UserFactory.has(PostFactory, -1)


def test_has_takes_a_builder_with_states() -> None:
    user = UserFactory.has(DraftPostFactory.state("draft"), 2).build()
    assert [post.title for post in user.posts] == ["Draft", "Draft"]


def test_has_takes_a_builder_with_its_own_children() -> None:
    user = UserFactory.has(PostFactory.has(CommentFactory, 2), 2).build()
    assert len(user.posts) == 2
    for post in user.posts:
        assert len(post.comments) == 2
        assert all(comment.post is post for comment in post.comments)


def test_has_takes_a_builder_linked_with_for() -> None:
    reviewer = UserFactory.build()
    post = PostFactory.has(CommentFactory.for_(reviewer), 2).build()
    assert [(comment.post, comment.author) for comment in post.comments] == [(post, reviewer)] * 2


def test_has_through_a_many_to_many_relationship() -> None:
    post = PostFactory.has(TagFactory, 2).build()
    assert len(post.tags) == 2
    assert all(post in tag.posts for tag in post.tags)


def test_has_through_a_relationship_declared_only_on_the_child() -> None:
    # Comment.author has no collection on User: the one relationship between the models is the child's.
    post = PostFactory.build()
    reviewer = UserFactory.has(CommentFactory.for_(post), 2).build()
    assert [comment.author for comment in post.comments] == [reviewer, reviewer]


def test_has_may_name_the_childs_relationship() -> None:
    user = UserFactory.has(PostFactory, 2, relationship="author").build()
    assert len(user.posts) == 2


def test_has_through_the_named_relationship() -> None:
    account = AccountFactory.has(TransferFactory, 2, relationship="incoming").build()
    assert len(account.incoming) == 2
    assert account.outgoing == []
    assert all(transfer.target is account and transfer.source is not account for transfer in account.incoming)


def test_has_with_two_relationships_between_the_models_names_the_choices() -> None:
    with pytest.raises(ConfigurationError) as raised:
        AccountFactory.has(TransferFactory, 2)
    message = str(raised.value)
    assert message.startswith("AccountFactory.has(TransferFactory)")
    assert "incoming" in message and "outgoing" in message
    assert "relationship='...'" in message


def test_has_with_an_unknown_relationship_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigurationError) as raised:
        UserFactory.has(PostFactory, 2, relationship="articles")
    assert str(raised.value) == (
        "UserFactory.has(PostFactory): no relationship 'articles' links User and Post; choices: author, posts"
    )


def test_has_with_models_that_are_not_related_says_so() -> None:
    with pytest.raises(ConfigurationError, match=r"AccountFactory.has\(TagFactory\).*no relationship"):
        AccountFactory.has(TagFactory)


def test_has_with_an_abstract_factory_says_so() -> None:
    with pytest.raises(ConfigurationError, match=r"UserFactory.has\(ModelFactory\): ModelFactory is an abstract base"):
        UserFactory.has(ModelFactory)
    with pytest.raises(ConfigurationError, match=r"ModelFactory.has\(PostFactory\): ModelFactory is an abstract base"):
        ModelFactory.has(PostFactory)


async def test_has_creates_children_after_their_parent(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await UserFactory.has(PostFactory, 3).create(session=session)
    await session.commit()
    rows = await fetch_all(fresh_session, select(Post).order_by(Post.id))
    assert [(row.id, row.author_id) for row in rows] == [(post.id, user.id) for post in user.posts]
    assert len(rows) == 3
    assert await count_rows(fresh_session, User) == 1


async def test_has_through_the_childs_relationship_when_creating(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    user = await UserFactory.has(ApiKeyFactory, 2).has(CommentFactory, 1, relationship="author").create(session=session)
    await session.commit()
    assert await count_rows(fresh_session, ApiKey, owner_id=user.id) == 2
    assert await count_rows(fresh_session, Comment, author_id=user.id) == 1
    # The comment's post was built with its own (new) author.
    assert await count_rows(fresh_session, User) == 2


async def test_has_through_many_to_many_when_creating(session: AsyncSession, fresh_session: AsyncSession) -> None:
    post = await PostFactory.has(TagFactory, 2).create(session=session)
    await session.commit()
    row = await fetch_one(fresh_session, select(Post).where(Post.id == post.id).options(selectinload(Post.tags)))
    assert sorted(tag.id for tag in row.tags) == sorted(tag.id for tag in post.tags)
    assert await count_rows(fresh_session, Tag) == 2


async def test_has_through_the_named_relationship_when_creating(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    account = await AccountFactory.has(TransferFactory, 2, relationship="outgoing").create(session=session)
    await session.commit()
    assert await count_rows(fresh_session, Transfer, source_id=account.id) == 2
    assert await count_rows(fresh_session, Transfer, target_id=account.id) == 0


async def test_admins_with_three_posts_each(session: AsyncSession, fresh_session: AsyncSession) -> None:
    users = await UserFactory.state("admin").has(PostFactory, 3).create_many(10, session=session)
    await session.commit()
    rows = await fetch_all(fresh_session, select(User).options(selectinload(User.posts)).order_by(User.id))
    assert [row.id for row in rows] == [user.id for user in users]
    assert all(row.role == "admin" for row in rows)
    assert [len(row.posts) for row in rows] == [3] * 10
    assert await count_rows(fresh_session, Post) == 30


async def test_has_create_many_writes_one_insert_per_table(
    backend: str, session: AsyncSession, fresh_session: AsyncSession, statements: StatementLog
) -> None:
    users = await UserFactory.has(PostFactory, 3).create_many(100, session=session)
    if backend != "sqlite":  # SQLite's driver writes row by row; the others take one batch per table
        assert _inserts_into(statements, "users") == 1
        assert _inserts_into(statements, "posts") == 1
    assert statements.count("SELECT") <= 2  # at most one per table, never one per row
    assert all(user.id is not None and len(user.posts) == 3 for user in users)
    assert all(post.id is not None for user in users for post in user.posts)
    await session.commit()
    assert await count_rows(fresh_session, User) == 100
    assert await count_rows(fresh_session, Post) == 300


# --------------------------------------------------------------------------- for_


def test_for_links_to_an_existing_parent() -> None:
    user = UserFactory.build()
    posts = PostFactory.for_(user).build_batch(2)
    assert all(post.author is user for post in posts)
    assert user.posts == posts


def test_for_on_a_model_with_two_parents_of_different_models() -> None:
    user = UserFactory.build()
    post = PostFactory.build()
    comment = CommentFactory.for_(user).for_(post).build()
    assert (comment.author, comment.post) == (user, post)
    assert comment.post.author is not user


def test_for_through_the_named_relationship() -> None:
    account = AccountFactory.build()
    transfer = TransferFactory.for_(account, relationship="target").build()
    assert transfer.target is account
    assert transfer.source is not account


def test_for_with_two_relationships_to_the_parent_names_the_choices() -> None:
    with pytest.raises(ConfigurationError) as raised:
        TransferFactory.for_(AccountFactory.build())
    message = str(raised.value)
    assert message.startswith("TransferFactory.for_()")
    assert "source" in message and "target" in message


def test_for_with_an_unknown_relationship_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigurationError, match=r"TransferFactory.for_\(\).*'sender'.*source, target"):
        TransferFactory.for_(AccountFactory.build(), relationship="sender")


def test_for_a_parent_of_an_unrelated_model_fails() -> None:
    with pytest.raises(ConfigurationError, match=r"PostFactory.for_\(\): Post has 0 relationships to Account"):
        PostFactory.for_(AccountFactory.build())


def test_a_keyword_beats_for() -> None:
    linked, given = UserFactory.build_batch(2)
    assert PostFactory.for_(linked).build(author=given).author is given


async def test_for_creates_no_new_parent(
    session: AsyncSession, fresh_session: AsyncSession, statements: StatementLog
) -> None:
    user = await UserFactory.create(session=session)
    statements.clear()
    posts = await PostFactory.for_(user).create_many(3, session=session)
    assert _inserts_into(statements, "users") == 0
    await session.commit()
    assert await count_rows(fresh_session, User) == 1
    rows = await fetch_all(fresh_session, select(Post).order_by(Post.id))
    assert [(row.id, row.author_id) for row in rows] == [(post.id, user.id) for post in posts]


async def test_for_and_has_together(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await UserFactory.create(session=session)
    post = await PostFactory.for_(user).has(CommentFactory.for_(user), 2).create(session=session)
    await session.commit()
    assert await count_rows(fresh_session, User) == 1
    assert await count_rows(fresh_session, Comment, post_id=post.id, author_id=user.id) == 2
