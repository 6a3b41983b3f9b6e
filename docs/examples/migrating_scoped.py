"""Keeping Meta.sqlalchemy_session during a migration: an async_scoped_session works there."""

from __future__ import annotations

import asyncio

import factory
from sqlalchemy import String
from sqlalchemy.ext.asyncio import async_scoped_session, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)


engine = create_async_engine("sqlite+aiosqlite://")

# --8<-- [start:scoped]
db_session = async_scoped_session(
    async_sessionmaker(engine, expire_on_commit=False), scopefunc=asyncio.current_task
)


class UserFactory(ModelFactory[User]):
    class Meta:
        sqlalchemy_session = db_session  # kept from the factory_boy version

    email = factory.Sequence(lambda n: f"user{n}@example.com")
# --8<-- [end:scoped]


async def main() -> None:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    # --8<-- [start:scoped-use]
    user = await UserFactory.create()  # the current task's session
    assert user in db_session()
    await db_session.commit()
    await db_session.remove()
    # --8<-- [end:scoped-use]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
