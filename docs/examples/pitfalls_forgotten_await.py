"""A forgotten await: the call returns a coroutine and writes nothing."""

from __future__ import annotations

import asyncio
import inspect

import pytest
from sqlalchemy import String, create_engine, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from asyncfactories import ModelFactory, Sequence, SessionTypeError


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)


class UserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"user{n}@example.com")


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine) as session:
        # --8<-- [start:forgotten]
        user = UserFactory.create(session=session)  # no await: nothing runs
        assert inspect.iscoroutine(user)  # not a User
        assert await session.scalar(select(func.count()).select_from(User)) == 0
        # --8<-- [end:forgotten]
        user.close()  # in a test, leave it: the "never awaited" warning fails the test
    await engine.dispose()

    sync_engine = create_engine("sqlite://")
    Base.metadata.create_all(sync_engine)
    sync_session = Session(sync_engine)
    # --8<-- [start:sync-session]
    with pytest.raises(SessionTypeError, match=r"use UserFactory\.create_sync\(\)"):
        UserFactory.create(session=sync_session)  # raises here, awaited or not
    # --8<-- [end:sync-session]
    sync_session.close()
    sync_engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
