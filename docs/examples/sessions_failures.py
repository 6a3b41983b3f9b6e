"""A create that fails in the database raises SQLAlchemy's error, with a note; the session goes on."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
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

    async with AsyncSession(engine, expire_on_commit=False) as session:
        # --8<-- [start:failure]
        alice = await UserFactory.create(session=session, email="alice@example.com")

        with pytest.raises(IntegrityError) as caught:  # SQLAlchemy's own error, not wrapped
            await UserFactory.create(session=session, email="alice@example.com")
        call_note, unique_note = caught.value.__notes__
        assert call_note.startswith("asyncfactories: UserFactory.create(email='alice@example.com') failed")
        assert unique_note.startswith("asyncfactories: users.email must be unique")

        bob = await UserFactory.create(session=session)  # the session is still usable
        await session.commit()

        emails = (await session.scalars(select(User.email).order_by(User.id))).all()
        assert emails == [alice.email, bob.email]  # alice, created before the failure, is kept
        # --8<-- [end:failure]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
