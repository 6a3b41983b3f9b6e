"""SPEC §4.1 and §4.3: every async create entry point, and the persistence modes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from asyncfactories import ConfigurationError, ModelFactory, Sequence

from .conftest import StatementLog
from .factories import PostFactory, UserFactory
from .models import Post, User
from .persistence_helpers import column_values, count_rows


class AddOnlyUserFactory(UserFactory):
    email = Sequence(lambda n: f"add-only{n}@test.example")

    class Meta:
        sqlalchemy_session_persistence = None


class AddOnlyPostFactory(PostFactory):
    class Meta:
        sqlalchemy_session_persistence = None


class CommitUserFactory(UserFactory):
    email = Sequence(lambda n: f"commit{n}@test.example")

    class Meta:
        sqlalchemy_session_persistence = "commit"


class CommitPostFactory(PostFactory):
    class Meta:
        sqlalchemy_session_persistence = "commit"


@pytest.fixture
async def expiring_session(engine: AsyncEngine, session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """A session with SQLAlchemy's default ``expire_on_commit=True`` (``session`` empties the tables)."""
    async with async_sessionmaker(engine, expire_on_commit=True)() as expiring:
        yield expiring


SingleCall = Callable[[AsyncSession], Awaitable[Any]]
BatchCall = Callable[[int, AsyncSession], Awaitable[Any]]

SINGLE_CALLS: dict[str, SingleCall] = {
    "create": lambda s: UserFactory.create(session=s, name="Ada"),
    "create_async": lambda s: UserFactory.create_async(session=s, name="Ada"),
    "await Factory()": lambda s: UserFactory(session=s, name="Ada"),
}

BATCH_CALLS: dict[str, BatchCall] = {
    "create_many": lambda n, s: UserFactory.create_many(n, session=s, name="Ada"),
    "create_many(size=)": lambda n, s: UserFactory.create_many(size=n, session=s, name="Ada"),
    "create_batch": lambda n, s: UserFactory.create_batch(n, session=s, name="Ada"),
    "create_batch_async": lambda n, s: UserFactory.create_batch_async(n, session=s, name="Ada"),
}


# ----------------------------------------------------------------------------- entry points


@pytest.mark.parametrize("call", SINGLE_CALLS, ids=list(SINGLE_CALLS))
async def test_single_create_entry_point_persists_one_row(
    call: str, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    user = await SINGLE_CALLS[call](session)

    assert type(user) is User
    assert isinstance(user.id, int)
    await session.commit()
    assert await column_values(fresh_session, User.id, User.name, User.email) == [(user.id, "Ada", user.email)]


@pytest.mark.parametrize("call", BATCH_CALLS, ids=list(BATCH_CALLS))
async def test_batch_entry_point_persists_n_rows(call: str, session: AsyncSession, fresh_session: AsyncSession) -> None:
    users = await BATCH_CALLS[call](3, session)

    assert isinstance(users, list)
    assert [type(user) for user in users] == [User, User, User]
    assert len({user.id for user in users}) == 3
    await session.commit()
    stored = await column_values(fresh_session, User.id, User.email)
    assert stored == sorted((user.id, user.email) for user in users)


@pytest.mark.parametrize("call", BATCH_CALLS, ids=list(BATCH_CALLS))
async def test_batch_of_zero_returns_empty_list_and_sends_no_insert(
    call: str, session: AsyncSession, statements: StatementLog
) -> None:
    assert await BATCH_CALLS[call](0, session) == []
    assert statements.count("INSERT") == 0


@pytest.mark.parametrize("size", [-1, 2.5, "3", None, True], ids=repr)
@pytest.mark.parametrize("call", BATCH_CALLS, ids=list(BATCH_CALLS))
async def test_batch_with_bad_count_raises_value_error_naming_the_factory(
    call: str, size: Any, session: AsyncSession, statements: StatementLog
) -> None:
    with pytest.raises(ValueError, match="non-negative int") as raised:
        await BATCH_CALLS[call](size, session)

    message = str(raised.value)
    assert "UserFactory." in message
    assert repr(size) in message
    assert statements.count("INSERT") == 0


# ----------------------------------------------------------------------------- mode None


async def test_mode_none_adds_to_the_session_without_sending_insert(
    session: AsyncSession, statements: StatementLog
) -> None:
    user = await AddOnlyUserFactory.create(session=session)

    assert user in session.new
    assert user.id is None
    assert statements.count("INSERT") == 0

    await session.flush()
    assert isinstance(user.id, int)
    assert statements.count("INSERT") == 1


async def test_mode_none_batch_and_subfactory_parents_stay_pending(
    session: AsyncSession, statements: StatementLog, fresh_session: AsyncSession
) -> None:
    posts = await AddOnlyPostFactory.create_many(3, session=session)

    assert all(post in session.new and post.author in session.new for post in posts)
    assert [post.id for post in posts] == [None, None, None]
    assert statements.count("INSERT") == 0
    await session.commit()
    assert await count_rows(fresh_session, Post) == 3
    assert await count_rows(fresh_session, User) == 3


# ----------------------------------------------------------------------------- mode "flush"


async def test_flush_mode_loads_keys_and_server_defaults(session: AsyncSession, statements: StatementLog) -> None:
    user = await UserFactory.create(session=session)

    # Plain attribute reads outside the greenlet: an unloaded one raises MissingGreenlet.
    assert isinstance(user.id, int)
    assert user.score == 0
    assert isinstance(user.created_at, datetime)
    assert user.role == "user"
    assert user.posts == []
    assert statements.count("INSERT") == 1
    assert statements.count("COMMIT") == 0


async def test_flush_mode_loads_parents_children_and_empty_collections(session: AsyncSession) -> None:
    post = await PostFactory.create(session=session)

    assert isinstance(post.id, int)
    assert isinstance(post.created_at, datetime)
    assert post.author_id == post.author.id
    assert post.author.score == 0
    assert isinstance(post.author.created_at, datetime)
    assert post.author.posts == [post]
    assert post.tags == []
    assert post.comments == []


async def test_flush_mode_does_not_commit(session: AsyncSession, fresh_session: AsyncSession) -> None:
    await UserFactory.create_many(2, session=session)
    assert session.in_transaction()

    await session.rollback()

    assert await count_rows(fresh_session, User) == 0


# ----------------------------------------------------------------------------- mode "commit"


async def test_commit_mode_commits(
    session: AsyncSession, fresh_session: AsyncSession, statements: StatementLog
) -> None:
    user = await CommitUserFactory.create(session=session)

    assert statements.count("COMMIT") == 1
    assert await column_values(fresh_session, User.id, User.email) == [(user.id, user.email)]


async def test_commit_mode_with_expire_on_commit_keeps_everything_readable(
    expiring_session: AsyncSession, fresh_session: AsyncSession
) -> None:
    post = await CommitPostFactory.create(expiring_session, title="Kept")

    assert post.title == "Kept"
    assert isinstance(post.id, int)
    assert isinstance(post.created_at, datetime)
    assert post.tags == []
    assert post.comments == []
    author = post.author
    assert author.id == post.author_id
    assert author.score == 0
    assert isinstance(author.created_at, datetime)
    assert author.posts == [post]
    assert await count_rows(fresh_session, Post, title="Kept") == 1


async def test_commit_mode_batch_with_expire_on_commit_keeps_everything_readable(
    expiring_session: AsyncSession, fresh_session: AsyncSession
) -> None:
    users = await CommitUserFactory.create_many(4, expiring_session)

    assert all(isinstance(user.id, int) and user.score == 0 and user.posts == [] for user in users)
    assert all(isinstance(user.created_at, datetime) and user.email.startswith("commit") for user in users)
    assert await count_rows(fresh_session, User) == 4


async def test_commit_mode_reload_does_not_grow_with_the_batch(
    expiring_session: AsyncSession, statements: StatementLog
) -> None:
    await CommitPostFactory.create_many(2, expiring_session)
    selects_for_two = statements.count("SELECT")
    statements.clear()

    await CommitPostFactory.create_many(12, expiring_session)

    assert statements.count("SELECT") == selects_for_two


# ----------------------------------------------------------------------------- invalid mode


@pytest.mark.parametrize("mode", ["save", "FLUSH", True, 1], ids=repr)
def test_invalid_mode_raises_configuration_error_when_the_class_is_defined(mode: object) -> None:
    with pytest.raises(ConfigurationError) as raised:

        class BadModeFactory(ModelFactory[User]):
            class Meta:
                sqlalchemy_session_persistence = mode

    message = str(raised.value)
    assert "BadModeFactory" in message
    assert "sqlalchemy_session_persistence" in message
    assert repr(mode) in message
