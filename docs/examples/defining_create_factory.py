"""Factories made at run time: one for a model, and a subclass of an existing factory."""

from __future__ import annotations

import asyncio

from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import Faker, ModelFactory, Sequence


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="member")


async def main() -> None:
    # --8<-- [start:create-factory]
    UserFactory = ModelFactory.create_factory(  # noqa: N806 - a class, named like one
        User,
        name=Faker("name"),
        email=Sequence(lambda n: f"user{n}@example.com"),
    )
    AdminFactory = UserFactory.create_factory(role="admin")  # noqa: N806 - a subclass of UserFactory

    assert issubclass(AdminFactory, UserFactory)
    assert UserFactory.build().role != "admin"
    assert AdminFactory.build().role == "admin"
    # --8<-- [end:create-factory]

    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as session:
        admin = await AdminFactory.create(session=session)
        assert admin.id is not None
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
