"""SPEC §4.2: the library commits and closes only sessions it opened itself; every session form
factory_boy and polyfactory accept (``scoped_session``, ``lambda: session``) works."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_scoped_session, async_sessionmaker
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from asyncfactories import ModelFactory, Sequence

from .models import User
from .persistence_helpers import count_rows


class OwnedUserFactory(ModelFactory[User]):
    """A base whose session each test sets (``__session__`` / ``Meta``), on a subclass."""

    name = "Owned?"
    email = Sequence(lambda n: f"owned{n}@test.example")

    class Meta:
        abstract = True


@pytest.fixture
def scoped(sync_engine: Engine, sync_session: Session) -> Iterator[scoped_session[Session]]:
    """A ``scoped_session`` (``sync_session`` empties the tables after the test)."""
    registry = scoped_session(sessionmaker(sync_engine, expire_on_commit=False))
    yield registry
    registry.remove()


async def test_session_factory_returning_a_scoped_session_works_with_create_sync(
    scoped: scoped_session[Session], fresh_session: AsyncSession
) -> None:
    """factory_boy's own tests set ``sqlalchemy_session_factory = lambda: models.session``."""

    class ScopedUserFactory(OwnedUserFactory):
        class Meta:
            sqlalchemy_session_factory = lambda: scoped  # noqa: E731

    user = ScopedUserFactory.create_sync()

    assert user in scoped()
    assert isinstance(user.id, int)
    assert await count_rows(fresh_session, User) == 0  # flushed, not committed: the registry's session
    scoped.commit()
    assert await count_rows(fresh_session, User) == 1


async def test_session_factory_returning_an_async_scoped_session_works_with_create(
    engine: AsyncEngine, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    registry = async_scoped_session(async_sessionmaker(engine, expire_on_commit=False), asyncio.current_task)

    class AsyncScopedUserFactory(OwnedUserFactory):
        class Meta:
            sqlalchemy_session_factory = lambda: registry  # noqa: E731

    try:
        user = await AsyncScopedUserFactory.create()

        assert user in registry()
        assert await count_rows(fresh_session, User) == 0
        await registry.commit()
        assert await count_rows(fresh_session, User) == 1
    finally:
        await registry.remove()


async def test_lambda_returning_the_callers_session_is_neither_committed_nor_closed(
    sync_session: Session, fresh_session: AsyncSession
) -> None:
    """polyfactory's ``__session__ = lambda: session``: the session is the caller's."""
    pending = User(name="Pending", email="pending@test.example")
    sync_session.add(pending)

    class LambdaUserFactory(OwnedUserFactory):
        __session__ = lambda: sync_session  # noqa: E731

    user = LambdaUserFactory.create_sync()

    assert user in sync_session and pending in sync_session  # not closed
    assert sync_session.in_transaction()
    assert await count_rows(fresh_session, User) == 0  # the caller's pending row was not committed
    sync_session.commit()
    assert await count_rows(fresh_session, User) == 2


async def test_lambda_returning_an_untouched_session_leaves_it_to_the_caller(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    class LambdaUserFactory(OwnedUserFactory):
        __async_session__ = lambda: session  # noqa: E731

    users = await LambdaUserFactory.create_many(2)

    assert all(user in session for user in users)
    assert await count_rows(fresh_session, User) == 0
    await session.rollback()
    assert await count_rows(fresh_session, User) == 0


async def test_callable_returning_a_new_session_is_committed_and_closed(
    sync_engine: Engine, sync_session: Session, fresh_session: AsyncSession
) -> None:
    made: list[Session] = []

    def new_session() -> Session:
        made.append(Session(sync_engine))
        return made[-1]

    class NewSessionUserFactory(OwnedUserFactory):
        class Meta:
            sqlalchemy_session_factory = new_session

    user = NewSessionUserFactory.create_sync()

    assert sa_inspect(user).session is None and not made[0].in_transaction()  # closed
    assert isinstance(user.id, int) and user.score == 0  # loaded before closing
    assert await count_rows(fresh_session, User) == 1  # committed
