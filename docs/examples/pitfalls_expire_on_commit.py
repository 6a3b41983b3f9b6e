"""After your own commit, expired attributes need a query: three ways to keep them readable."""

from __future__ import annotations

import asyncio

from sqlalchemy import String, inspect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
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


class CommittedUserFactory(UserFactory):
    class Meta:
        sqlalchemy_session_persistence = "commit"


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    # --8<-- [start:problem]
    async with AsyncSession(engine) as session:  # expire_on_commit=True, the default
        user = await UserFactory.create(session=session)
        await session.commit()  # expires every object in the session
        assert {"id", "email"} <= inspect(user).unloaded  # reading user.email now needs a query
        # --8<-- [end:problem]

        # --8<-- [start:refresh]
        await session.refresh(user)  # 1. reload it yourself, inside await
        assert user.email.endswith("@example.com")
        # --8<-- [end:refresh]

    # --8<-- [start:no-expire]
    session_maker = async_sessionmaker(engine, expire_on_commit=False)  # 2. do not expire
    async with session_maker() as session:
        user = await UserFactory.create(session=session)
        await session.commit()
        assert user.email.endswith("@example.com")
    # --8<-- [end:no-expire]

    # --8<-- [start:commit-mode]
    async with AsyncSession(engine) as session:
        user = await CommittedUserFactory.create(session=session)  # 3. let the factory commit
        assert user.email.endswith("@example.com")  # it reloads what it created
    # --8<-- [end:commit-mode]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
