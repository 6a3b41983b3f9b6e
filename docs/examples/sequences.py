"""Unique values per instance: defaults() with _next_seq(), factory_boy's Sequence, _reset_seq()."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import LazyAttribute, ModelFactory, Sequence


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)


# --8<-- [start:defaults]
class UserFactory(ModelFactory[User]):
    @classmethod
    def defaults(cls) -> dict[str, Any]:
        seq = cls._next_seq()  # 1, 2, 3, ... for this class
        return {
            "name": f"User {seq}",
            "email": f"user{seq}@test.example",
            "username": f"user{seq}",
        }
# --8<-- [end:defaults]


# --8<-- [start:sequence]
class MemberFactory(ModelFactory[User]):
    name = Sequence(lambda n: f"Member {n}")  # factory_boy's counter, passed as n
    username = Sequence(lambda n: f"member{n}")
    email = LazyAttribute(lambda user: f"{user.username}@test.example")
# --8<-- [end:sequence]


# --8<-- [start:subclass]
class AdminFactory(UserFactory):  # counts on its own
    pass
# --8<-- [end:subclass]


async def main() -> None:
    # --8<-- [start:defaults-use]
    users = UserFactory.make_batch(3)
    assert [user.email for user in users] == ["user1@test.example", "user2@test.example", "user3@test.example"]
    assert UserFactory.make(name="Ada").email == "user4@test.example"  # a keyword replaces one value
    # --8<-- [end:defaults-use]

    # --8<-- [start:subclass-use]
    assert AdminFactory.make().name == "User 1"
    assert UserFactory.make().name == "User 5"
    # --8<-- [end:subclass-use]

    # --8<-- [start:sequence-use]
    first, second = MemberFactory.build_batch(2)
    assert first.username != second.username
    assert second.email == f"{second.username}@test.example"
    # --8<-- [end:sequence-use]

    # --8<-- [start:reset]
    UserFactory._reset_seq()  # _next_seq() starts again at 1 ...
    assert UserFactory.make().name == "User 1"

    MemberFactory._reset_seq()  # ... and so does factory_boy's Sequence of that class
    assert MemberFactory.build().username == first.username
    # --8<-- [end:reset]

    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine, expire_on_commit=False) as session:
        # --8<-- [start:concurrent]
        UserFactory._reset_seq()
        created = await asyncio.gather(*(UserFactory.create(session=session) for _ in range(20)))
        assert len({user.email for user in created}) == 20  # never the same value twice
        # --8<-- [end:concurrent]
        await session.commit()
        assert len((await session.scalars(select(User.email))).all()) == 20
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
