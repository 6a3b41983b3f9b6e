"""SPEC §4.1 and §4.2: which session a create goes through, and the errors when there is none
or it is of the wrong kind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from asyncfactories import (
    ConfigurationError,
    ModelFactory,
    Sequence,
    SessionNotBoundError,
    SessionTypeError,
    SubFactory,
    bind_session,
)

from .factories import PostFactory, UserFactory
from .models import Post, User
from .persistence_helpers import column_values, count_rows

T = TypeVar("T")


class BaseFactory(ModelFactory[T]):
    """An abstract base, as a project's conftest would bind: ``BaseFactory.__async_session__ = s``."""


class BaseUserFactory(BaseFactory[User]):
    name = "Based"
    email = Sequence(lambda n: f"based{n}@test.example")


class BasePostFactory(BaseFactory[Post]):
    title = Sequence(lambda n: f"Based post {n}")
    author = SubFactory(BaseUserFactory)


class OwnSessionUserFactory(BaseFactory[User]):
    """Sets its own ``__async_session__`` in each test that needs it (``monkeypatch``); adds only."""

    name = "Own"
    email = Sequence(lambda n: f"own{n}@test.example")

    class Meta:
        sqlalchemy_session_persistence = None


class AddOnlyUserFactory(ModelFactory[User]):
    """Only adds to the resolved session: which session that was is visible without any write.

    (Resolution tests that involve two sessions use it: on SQLite a second session cannot
    write while the first holds an uncommitted write.)
    """

    name = "Added"
    email = Sequence(lambda n: f"added{n}@test.example")

    class Meta:
        sqlalchemy_session_persistence = None


class PostByOwnSessionAuthorFactory(ModelFactory[Post]):
    title = "Nested"
    author = SubFactory(OwnSessionUserFactory)


class SessionMaker:
    """An ``async_sessionmaker`` that remembers the sessions it made."""

    def __init__(self, engine: AsyncEngine, expire_on_commit: bool = True) -> None:
        self.maker = async_sessionmaker(engine, expire_on_commit=expire_on_commit)
        self.made: list[AsyncSession] = []

    def __call__(self) -> AsyncSession:
        session = self.maker()
        self.made.append(session)
        return session


@pytest.fixture
async def other_session(engine: AsyncEngine, session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """A second writable session (``session`` empties the tables after the test)."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as other:
        yield other


def owner(instance: Any) -> Any:
    """The ``Session`` an instance belongs to (the sync session behind an ``AsyncSession``)."""
    return sa_inspect(instance).session


# ----------------------------------------------------------------------------- resolution order


async def test_session_argument_beats_bind_session(session: AsyncSession, other_session: AsyncSession) -> None:
    async with bind_session(other_session):
        user = await UserFactory.create(session=session)

    assert owner(user) is session.sync_session
    assert user not in other_session


async def test_bind_session_beats_the_class_session(
    session: AsyncSession, other_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(OwnSessionUserFactory, "__async_session__", other_session, raising=False)

    async with bind_session(session):
        user = await OwnSessionUserFactory.create()

    assert owner(user) is session.sync_session


async def test_bind_session_beats_meta_sqlalchemy_session(session: AsyncSession, other_session: AsyncSession) -> None:
    class MetaBoundUserFactory(AddOnlyUserFactory):
        class Meta:
            sqlalchemy_session = other_session

    async with bind_session(session):
        bound = await MetaBoundUserFactory.create()
    unbound = await MetaBoundUserFactory.create()

    assert owner(bound) is session.sync_session
    assert owner(unbound) is other_session.sync_session


async def test_class_session_beats_the_inherited_session_factory(engine: AsyncEngine, session: AsyncSession) -> None:
    maker = SessionMaker(engine)

    class FactoryBoundUserFactory(AddOnlyUserFactory):
        class Meta:
            sqlalchemy_session_factory = maker

    class SessionBoundUserFactory(FactoryBoundUserFactory):
        __async_session__ = session

    user = await SessionBoundUserFactory.create()

    assert owner(user) is session.sync_session
    assert maker.made == []


async def test_runtime_class_session_beats_the_session_factory(
    engine: AsyncEngine, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    maker = SessionMaker(engine)

    class FactoryBoundUserFactory(AddOnlyUserFactory):
        class Meta:
            sqlalchemy_session_factory = maker

    monkeypatch.setattr(FactoryBoundUserFactory, "__async_session__", session, raising=False)
    user = await FactoryBoundUserFactory.create()

    assert owner(user) is session.sync_session
    assert maker.made == []


# ----------------------------------------------------------------------------- bind_session


async def test_bind_session_as_async_with(session: AsyncSession, fresh_session: AsyncSession) -> None:
    async with bind_session(session) as bound:
        user = await UserFactory.create()
        posts = await PostFactory.create_many(2)

    assert bound is session
    assert owner(user) is session.sync_session
    assert all(owner(post) is session.sync_session for post in posts)
    await session.commit()
    assert await count_rows(fresh_session, User) == 3


async def test_bind_session_as_plain_with(session: AsyncSession) -> None:
    with bind_session(session):
        user = await UserFactory.create()

    assert owner(user) is session.sync_session


async def test_nested_bind_session_innermost_wins_and_unwinds(
    session: AsyncSession, other_session: AsyncSession
) -> None:
    async with bind_session(other_session):
        with bind_session(session):
            inner = await AddOnlyUserFactory.create()
        outer = await AddOnlyUserFactory.create()

    assert owner(inner) is session.sync_session
    assert owner(outer) is other_session.sync_session
    with pytest.raises(SessionNotBoundError):
        await AddOnlyUserFactory.create()


async def test_bind_session_is_context_local_across_concurrent_tasks(
    engine: AsyncEngine, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    bound: list[AsyncSession] = []
    both_bound = asyncio.Event()

    async def create_in_own_session(email_prefix: str) -> tuple[AsyncSession, list[User]]:
        async with async_sessionmaker(engine, expire_on_commit=False)() as own, bind_session(own):
            bound.append(own)
            if len(bound) == 2:
                both_bound.set()
            await both_bound.wait()  # both bindings are active from here on
            users = []
            for n in range(3):
                user = await UserFactory.create(email=f"{email_prefix}{n}@test.example")
                users.append((user, owner(user) is own.sync_session))
                await asyncio.sleep(0)
            await own.commit()
            return own, users

    (first, first_users), (second, second_users) = await asyncio.gather(
        create_in_own_session("first"), create_in_own_session("second")
    )

    assert first is not second
    assert [in_own for _user, in_own in first_users + second_users] == [True] * 6
    emails = await column_values(fresh_session, User.email)
    assert emails == sorted((f"{prefix}{n}@test.example",) for prefix in ("first", "second") for n in range(3))


async def test_bind_session_reaches_subfactories(session: AsyncSession, fresh_session: AsyncSession) -> None:
    async with bind_session(session):
        post = await PostFactory.create()

    assert owner(post.author) is session.sync_session
    await session.commit()
    assert await count_rows(fresh_session, User) == 1


# ----------------------------------------------------------------------------- class sessions


async def test_runtime_base_factory_session_applies_to_subclasses(
    session: AsyncSession, fresh_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(BaseFactory, "__async_session__", session, raising=False)

    user = await BaseUserFactory.create()
    posts = await BasePostFactory.create_many(2)

    assert owner(user) is session.sync_session
    assert all(owner(post) is session.sync_session for post in posts)
    await session.commit()
    assert await count_rows(fresh_session, User) == 3


async def test_subclass_with_its_own_session_keeps_it_over_the_base_one(
    session: AsyncSession, other_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(BaseFactory, "__async_session__", session, raising=False)
    monkeypatch.setattr(OwnSessionUserFactory, "__async_session__", other_session, raising=False)

    own = await OwnSessionUserFactory.create()
    based = await BaseUserFactory.create()

    assert owner(own) is other_session.sync_session
    assert owner(based) is session.sync_session


async def test_session_alias_dunder_session_is_read_too(session: AsyncSession, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BaseFactory, "__session__", session, raising=False)

    user = await BaseUserFactory.create()

    assert owner(user) is session.sync_session


async def test_subfactories_use_the_outermost_session_not_their_own(
    session: AsyncSession, other_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(OwnSessionUserFactory, "__async_session__", other_session, raising=False)

    post = await PostByOwnSessionAuthorFactory.create(session=session)

    assert owner(post.author) is session.sync_session
    assert post.author not in other_session


# ----------------------------------------------------------------------------- callables


async def test_session_from_a_callable_is_closed_after_loading(
    engine: AsyncEngine, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    maker = SessionMaker(engine, expire_on_commit=True)

    class CallableBoundPostFactory(PostFactory):
        __async_session__ = maker

        class Meta:
            sqlalchemy_session_persistence = "commit"

    post = await CallableBoundPostFactory.create(title="From a maker")

    assert len(maker.made) == 1
    assert not maker.made[0].in_transaction()
    assert owner(post) is None and owner(post.author) is None
    # Everything was loaded before the session closed: no lazy load, no DetachedInstanceError.
    assert post.title == "From a maker"
    assert isinstance(post.created_at, datetime)
    assert post.tags == [] and post.comments == []
    assert post.author.posts == [post]
    assert post.author.score == 0
    assert await count_rows(fresh_session, Post, title="From a maker") == 1


async def test_session_factory_opens_one_session_per_call_and_closes_it(
    engine: AsyncEngine, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    maker = SessionMaker(engine, expire_on_commit=True)

    class FactoryBoundUserFactory(ModelFactory[User]):
        name = "Made"
        email = Sequence(lambda n: f"factory-made{n}@test.example")

        class Meta:
            sqlalchemy_session_factory = maker
            sqlalchemy_session_persistence = "commit"

    users = await FactoryBoundUserFactory.create_many(3)
    another = await FactoryBoundUserFactory.create()

    assert len(maker.made) == 2
    assert not any(made.in_transaction() for made in maker.made)
    assert all(owner(user) is None for user in [*users, another])
    assert all(user.score == 0 and user.posts == [] and isinstance(user.id, int) for user in [*users, another])
    assert await count_rows(fresh_session, User) == 4


async def test_session_from_a_callable_in_flush_mode_leaves_readable_objects(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    maker = SessionMaker(engine)

    class CallableBoundUserFactory(UserFactory):
        __async_session__ = maker

    user = await CallableBoundUserFactory.create()

    assert owner(user) is None
    assert not maker.made[0].in_transaction()
    assert isinstance(user.id, int) and user.score == 0 and user.posts == []


@pytest.mark.parametrize("mode", [None, "flush"])
async def test_a_session_the_library_opened_is_committed_before_it_closes(
    mode: str | None, engine: AsyncEngine, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    """Closing a session rolls back what it did not commit: rows written through a session
    the library opened itself would vanish, whatever the factory's mode. They are kept."""
    maker = SessionMaker(engine)

    class OpenedUserFactory(UserFactory):
        __async_session__ = maker

        class Meta:
            sqlalchemy_session_persistence = mode

    users = await OpenedUserFactory.create_many(2)

    assert all(isinstance(user.id, int) and user.score == 0 for user in users)
    assert await count_rows(fresh_session, User) == 2


# ----------------------------------------------------------------------------- errors


def test_meta_with_both_session_and_session_factory_is_rejected_when_defined(engine: AsyncEngine) -> None:
    maker = async_sessionmaker(engine)

    with pytest.raises(ConfigurationError) as raised:

        class DoublyBoundUserFactory(ModelFactory[User]):
            class Meta:
                sqlalchemy_session = maker()
                sqlalchemy_session_factory = maker

    message = str(raised.value)
    assert "DoublyBoundUserFactory" in message
    assert "sqlalchemy_session_factory" in message


async def call_without_session(call: str) -> object:
    """``BaseUserFactory.<call>()`` (with a count for batches), awaited if it is async."""
    result = getattr(BaseUserFactory, call)(*([2] if "many" in call or "batch" in call else []))
    return await result if not call.endswith("_sync") else result


@pytest.mark.parametrize("call", ["create", "create_many", "create_sync", "create_batch_sync"])
async def test_no_session_raises_session_not_bound_error_listing_the_ways(call: str) -> None:
    with pytest.raises(SessionNotBoundError) as raised:
        await call_without_session(call)

    assert isinstance(raised.value, RuntimeError)
    message = str(raised.value)
    assert f"BaseUserFactory.{call}()" in message
    sync = call.endswith("_sync")
    block, alias = ("'with bind_session", "__session__") if sync else ("'async with bind_session", "__async_session__")
    for way in (
        f"{call}(session=",
        "BaseUserFactory.using(session)",
        block,
        "Meta.sqlalchemy_session",
        alias,
        "Meta.sqlalchemy_session_factory",
    ):
        assert way in message


@pytest.mark.parametrize(
    ("call", "use"),
    [("create", "create_sync"), ("create_many", "create_batch_sync"), ("create_batch", "create_batch_sync")],
)
async def test_async_call_with_a_sync_session_names_the_sync_call(
    call: str, use: str, sync_session: Session, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    arguments = [2] if call != "create" else []

    with pytest.raises(SessionTypeError) as raised:
        await getattr(UserFactory, call)(*arguments, session=sync_session)

    assert isinstance(raised.value, TypeError)
    message = str(raised.value)
    assert f"UserFactory.{call}()" in message
    assert f"UserFactory.{use}()" in message
    assert "Session" in message
    assert await count_rows(fresh_session, User) == 0


@pytest.mark.parametrize(("call", "use"), [("create_sync", "create"), ("create_batch_sync", "create_many")])
async def test_sync_call_with_an_async_session_names_the_async_call(
    call: str, use: str, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    arguments = [2] if "batch" in call else []

    with pytest.raises(SessionTypeError) as raised:
        getattr(UserFactory, call)(*arguments, session=session)

    message = str(raised.value)
    assert f"UserFactory.{call}()" in message
    assert f"UserFactory.{use}()" in message
    assert "AsyncSession" in message
    assert await count_rows(fresh_session, User) == 0


async def test_wrong_session_kind_from_bind_session_or_class_is_reported_too(
    sync_session: Session, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    with bind_session(sync_session), pytest.raises(SessionTypeError, match=r"create_sync\(\)"):
        await UserFactory.create()

    monkeypatch.setattr(BaseFactory, "__session__", session, raising=False)
    with pytest.raises(SessionTypeError, match=r"BaseUserFactory\.create\(\)"):
        BaseUserFactory.create_sync()
