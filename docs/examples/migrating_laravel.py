"""After: the Laravel-style factory page (``ModelFactory`` with defaults(), states and batches)
on asyncfactories: the same class body, SQLAlchemy models, an ``AsyncSession``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar

import pytest
from sqlalchemy import String, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# --8<-- [start:imports]
from asyncfactories import FactoryBuilder, ModelFactory

# --8<-- [end:imports]


# --8<-- [start:model]
class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="user")
    score: Mapped[int] = mapped_column(server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
# --8<-- [end:model]


# --8<-- [start:factory]
class UserFactory(ModelFactory[User]):
    __model__: ClassVar[type[User]] = User

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        seq = cls._next_seq()
        return {
            "name": f"User {seq}",
            "email": f"user{seq}@test.example",
        }

    @classmethod
    def state_admin(cls) -> dict[str, Any]:
        return {"role": "admin", "name": "Admin User"}
# --8<-- [end:factory]


# --8<-- [start:teardown]
@pytest.fixture(autouse=True)
def reset_user_sequence() -> Iterator[None]:
    yield
    UserFactory._reset_seq()
# --8<-- [end:teardown]


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine, expire_on_commit=False) as session:
        # --8<-- [start:making]
        user = UserFactory.make()
        user = await UserFactory.create(session=session)
        users = await UserFactory.create_many(5, session=session)
        # --8<-- [end:making]
        assert user.name == "User 2"  # make() took 1
        assert user.id is not None and user.score == 0 and user.created_at is not None
        assert [u.email for u in users] == [f"user{n}@test.example" for n in range(3, 8)]
        assert all(u.id is not None and u.score == 0 for u in users)

        # --8<-- [start:states]
        admin = await UserFactory.state("admin").create(session=session)
        # --8<-- [end:states]
        assert (admin.role, admin.name) == ("admin", "Admin User")

        # --8<-- [start:builder]
        builder = UserFactory.state("admin")
        assert isinstance(builder, FactoryBuilder)
        admins = builder.make_batch(2)
        more_admins = await builder.create_many(2, session=session)
        # --8<-- [end:builder]
        assert {u.role for u in [*admins, *more_admins]} == {"admin"}

        # --8<-- [start:batches]
        editors = UserFactory.make_batch(3, role="editor")
        guests = UserFactory.batch(2, role="guest")
        imported = await UserFactory.create_many(3, session=session, role="imported")
        # --8<-- [end:batches]
        assert [u.role for u in [*editors, *guests, *imported]] == ["editor"] * 3 + ["guest"] * 2 + ["imported"] * 3
        await session.commit()
        assert await session.scalar(select(func.count()).select_from(User)) == 1 + 5 + 1 + 2 + 3

    # --8<-- [start:reset]
    UserFactory._reset_seq()
    assert UserFactory.make().email == "user1@test.example"
    # --8<-- [end:reset]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
