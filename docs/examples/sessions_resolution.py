"""Which session a create uses: the argument, then the innermost bind_session block."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import String
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory, Sequence, SessionNotBoundError, bind_session


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
    session_maker = async_sessionmaker(engine)

    async with session_maker() as outer, session_maker() as inner:
        # --8<-- [start:order]
        async with bind_session(outer):
            bound = await UserFactory.create()  # the bound session
            explicit = await UserFactory.create(session=inner)  # the argument wins
            async with bind_session(inner):
                nested = await UserFactory.create()  # the innermost block wins
            back = await UserFactory.create()  # the outer binding again

        assert [user in outer for user in (bound, explicit, nested, back)] == [True, False, False, True]
        # --8<-- [end:order]
        await outer.rollback()
        await inner.rollback()

    # --8<-- [start:not-bound]
    with pytest.raises(SessionNotBoundError) as caught:
        await UserFactory.create()
    assert str(caught.value).startswith("UserFactory.create() has no session to persist through")
    assert isinstance(caught.value, RuntimeError)  # what factory_boy raised here
    # --8<-- [end:not-bound]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
