"""Many creates on one AsyncSession from asyncio.gather: the library runs them one at a time."""

from __future__ import annotations

import asyncio

from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory, Sequence


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
        # --8<-- [start:gather]
        users = await asyncio.gather(*(UserFactory.create(session=session) for _ in range(20)))
        assert len({user.id for user in users}) == 20  # twenty rows, no "already flushing" error
        assert len({user.email for user in users}) == 20  # sequences never repeat
        # --8<-- [end:gather]
        assert await session.scalar(select(func.count()).select_from(User)) == 20
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
