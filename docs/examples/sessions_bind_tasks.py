"""bind_session is context-local: concurrent tasks each use the session they bound."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory, Sequence, bind_session


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)


class UserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"user{n}@example.com")


# --8<-- [start:tasks]
async def sign_up(session: AsyncSession, count: int) -> list[User]:
    async with bind_session(session):  # seen by this task only
        await asyncio.sleep(0)  # let the other task run in between
        users = await UserFactory.create_many(count)
    await session.commit()
    return users


async def run(session_maker: async_sessionmaker[AsyncSession]) -> None:
    async with session_maker() as first, session_maker() as second:
        a, b = await asyncio.gather(sign_up(first, 2), sign_up(second, 3))
        assert all(user in first for user in a)
        assert all(user in second for user in b)
# --8<-- [end:tasks]


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_async_engine(f"sqlite+aiosqlite:///{Path(folder) / 'tasks.sqlite3'}")
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        await run(async_sessionmaker(engine, expire_on_commit=False))
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
