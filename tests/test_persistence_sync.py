"""SPEC §4.1 to §4.6 through a synchronous ``Session``: ``create_sync`` / ``create_batch_sync``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, sessionmaker

from asyncfactories import ModelFactory, Sequence, bind_session

from .factories import PostFactory, UserFactory
from .models import Post, User
from .persistence_helpers import column_values, count_rows, logging_statements


class SyncCommitUserFactory(UserFactory):
    email = Sequence(lambda n: f"sync-commit{n}@test.example")

    class Meta:
        sqlalchemy_session_persistence = "commit"


class SyncGetOrCreateUserFactory(ModelFactory[User]):
    name = "Sync made"
    email = Sequence(lambda n: f"sync-goc{n}@test.example")

    class Meta:
        sqlalchemy_get_or_create = ("email",)


def notes(error: BaseException) -> str:
    return "\n".join(getattr(error, "__notes__", []))


async def test_create_sync_persists_one_row(sync_session: Session, fresh_session: AsyncSession) -> None:
    user = UserFactory.create_sync(session=sync_session, name="Sync")

    assert type(user) is User
    assert isinstance(user.id, int)
    sync_session.commit()
    assert await column_values(fresh_session, User.id, User.name) == [(user.id, "Sync")]


@pytest.mark.parametrize("by_keyword", [False, True], ids=["positional", "size="])
async def test_create_batch_sync_persists_n_rows(
    by_keyword: bool, sync_session: Session, fresh_session: AsyncSession
) -> None:
    if by_keyword:
        posts = PostFactory.create_batch_sync(size=3, session=sync_session)
    else:
        posts = PostFactory.create_batch_sync(3, sync_session)

    assert [type(post) for post in posts] == [Post, Post, Post]
    sync_session.commit()
    assert await column_values(fresh_session, Post.id) == sorted((post.id,) for post in posts)
    assert await count_rows(fresh_session, User) == 3


async def test_create_batch_sync_of_zero_returns_an_empty_list(sync_session: Session) -> None:
    assert UserFactory.create_batch_sync(0, session=sync_session) == []


@pytest.mark.parametrize("size", [-1, 1.5, "2", None, False], ids=repr)
async def test_create_batch_sync_with_a_bad_count_raises_value_error(size: Any, sync_session: Session) -> None:
    with pytest.raises(ValueError, match=r"UserFactory\.create_batch_sync\(\)") as raised:
        UserFactory.create_batch_sync(size, session=sync_session)

    assert repr(size) in str(raised.value)
    assert sync_session.scalars(select(User)).all() == []


async def test_create_sync_loads_server_defaults_without_further_queries(
    sync_session: Session, sync_engine: Engine
) -> None:
    post = PostFactory.create_sync(session=sync_session)

    with logging_statements(sync_engine) as log:
        loaded = (post.id, post.created_at, post.author.score, post.author.created_at, post.tags, post.comments)
        author_posts = list(post.author.posts)

    assert isinstance(loaded[1], datetime) and isinstance(loaded[3], datetime)
    assert loaded[2] == 0 and loaded[4] == [] and loaded[5] == []
    assert author_posts == [post]
    assert log.statements == []


async def test_create_batch_sync_sends_one_insert_per_table_where_the_dialect_batches(
    sync_session: Session, sync_engine: Engine, backend: str
) -> None:
    with logging_statements(sync_engine) as log:
        PostFactory.create_batch_sync(5, session=sync_session)

    assert log.count("INSERT") == 2  # one batch per table, see test_persistence_batches
    assert log.count("SELECT") <= 2  # SQLite reads each table's new rows back once


async def test_commit_mode_through_a_sync_session(sync_session: Session, fresh_session: AsyncSession) -> None:
    user = SyncCommitUserFactory.create_sync(session=sync_session)

    assert await column_values(fresh_session, User.email) == [(user.email,)]


async def test_bind_session_with_plain_with_serves_sync_calls(
    sync_session: Session, fresh_session: AsyncSession
) -> None:
    with bind_session(sync_session):
        user = UserFactory.create_sync()
        users = UserFactory.create_batch_sync(2)

    assert all(sa_inspect(each).session is sync_session for each in [user, *users])


async def test_sessionmaker_callable_is_closed_after_loading(
    sync_engine: Engine, sync_session: Session, fresh_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Session] = []
    maker = sessionmaker(sync_engine, expire_on_commit=True)

    def make() -> Session:
        made.append(maker())
        return made[-1]

    monkeypatch.setattr(SyncCommitUserFactory, "__session__", make, raising=False)

    user = SyncCommitUserFactory.create_sync()

    assert len(made) == 1 and not made[0].in_transaction()
    assert sa_inspect(user).detached
    assert user.score == 0 and user.posts == [] and isinstance(user.created_at, datetime)
    assert await count_rows(fresh_session, User) == 1


async def test_failure_through_a_sync_session_keeps_earlier_rows(
    sync_session: Session, fresh_session: AsyncSession
) -> None:
    first = UserFactory.create_sync(session=sync_session)

    with pytest.raises(IntegrityError) as raised:
        UserFactory.create_batch_sync(2, session=sync_session, email=first.email)

    assert f"UserFactory.create_batch_sync(2, email={first.email!r})" in notes(raised.value)
    assert first.name  # still loaded
    UserFactory.create_sync(session=sync_session)
    sync_session.commit()
    assert await count_rows(fresh_session, User) == 2


async def test_get_or_create_through_a_sync_session(sync_session: Session, fresh_session: AsyncSession) -> None:
    first = SyncGetOrCreateUserFactory.create_sync(session=sync_session, email="sync-same@test.example")
    again = SyncGetOrCreateUserFactory.create_sync(session=sync_session, email="sync-same@test.example")

    assert again is first
    sync_session.commit()
    assert await count_rows(fresh_session, User) == 1
