"""The three persistence modes: None (add only), "flush" (the default) and "commit"."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory, Sequence


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


# --8<-- [start:factories]
class AddedUserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"added{n}@example.com")

    class Meta:
        sqlalchemy_session_persistence = None  # session.add() only


class UserFactory(ModelFactory[User]):  # "flush", the default
    email = Sequence(lambda n: f"user{n}@example.com")


class CommittedUserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"committed{n}@example.com")

    class Meta:
        sqlalchemy_session_persistence = "commit"
# --8<-- [end:factories]


async def count_users(session_maker: async_sessionmaker[AsyncSession]) -> int:
    """Count the rows another connection can see, that is, the committed ones."""
    async with session_maker() as other:
        return await other.scalar(select(func.count()).select_from(User)) or 0


async def run(session_maker: async_sessionmaker[AsyncSession]) -> None:
    async with session_maker() as session:
        # --8<-- [start:modes]
        added = await AddedUserFactory.create(session=session)
        assert added in session.new  # pending: nothing sent yet
        assert added.id is None

        flushed = await UserFactory.create(session=session)
        assert flushed.id is not None
        assert flushed.created_at is not None
        assert added.id is not None  # the flush wrote the pending row too
        assert await count_users(session_maker) == 0  # nothing committed yet

        committed = await CommittedUserFactory.create(session=session)
        assert committed.id is not None
        assert committed.created_at is not None
        assert await count_users(session_maker) == 3  # the commit covers the whole session
        # --8<-- [end:modes]


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_async_engine(f"sqlite+aiosqlite:///{Path(folder) / 'modes.sqlite3'}")
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        await run(async_sessionmaker(engine))
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
