"""Sessions set on the factory class: a session factory in Meta, and __async_session__ set at run time."""

from __future__ import annotations

import asyncio
from typing import TypeVar

import pytest
from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory, Sequence, SessionConflictError


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)


engine = create_async_engine("sqlite+aiosqlite://")
session_maker = async_sessionmaker(engine)


# --8<-- [start:session-factory]
class SeedUserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"seed{n}@example.com")

    class Meta:
        sqlalchemy_session_factory = session_maker  # a new session per call, committed and closed
# --8<-- [end:session-factory]


# --8<-- [start:base-attribute]
ModelT = TypeVar("ModelT")


class BaseFactory(ModelFactory[ModelT]):
    """The project's base factory; a fixture sets its session."""


class UserFactory(BaseFactory[User]):
    email = Sequence(lambda n: f"user{n}@example.com")


async def with_factories_bound(session: AsyncSession) -> None:
    BaseFactory.__async_session__ = session  # read at call time, by every subclass
    try:
        user = await UserFactory.create()
        assert user in session
    finally:
        BaseFactory.__async_session__ = None
# --8<-- [end:base-attribute]


# --8<-- [start:live-session]
async def with_a_live_session(session: AsyncSession) -> None:
    class LiveUserFactory(ModelFactory[User]):
        __async_session__ = lambda: session  # noqa: E731  # hands out the caller's own session

    user = await LiveUserFactory.create()
    assert user in session  # flushed; not committed, not closed: still the caller's session
    await session.rollback()  # and the caller can undo it
# --8<-- [end:live-session]


async def main() -> None:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    # --8<-- [start:session-factory-use]
    seeded = await SeedUserFactory.create_many(3)
    assert all(user.id is not None for user in seeded)  # readable after the session closed
    async with session_maker() as session:  # the rows were committed
        assert await session.scalar(select(func.count()).select_from(User)) == 3
    # --8<-- [end:session-factory-use]

    async with session_maker() as session:
        await with_factories_bound(session)
    async with session_maker() as session:
        await with_a_live_session(session)
    async with session_maker() as session:  # only the seeded rows were committed
        assert await session.scalar(select(func.count()).select_from(User)) == 3

    # --8<-- [start:both]
    with pytest.raises(SessionConflictError, match="not both"):  # also a RuntimeError

        class AmbiguousFactory(ModelFactory[User]):
            class Meta:
                sqlalchemy_session = session_maker
                sqlalchemy_session_factory = session_maker
    # --8<-- [end:both]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
