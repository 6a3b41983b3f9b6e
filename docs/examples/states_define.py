"""States: Traits and state_<name>() methods, used through state() and the FactoryBuilder."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import (
    ConfigurationError,
    FactoryBuilder,
    Faker,
    ModelFactory,
    Sequence,
    Trait,
    UnknownStateError,
)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    status: Mapped[str] = mapped_column(String(20), default="active")


# --8<-- [start:define]
class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@example.com")

    class Params:
        admin = Trait(role="admin", name="Admin User")  # a Trait is a state

    @classmethod
    def state_suspended(cls) -> dict[str, Any]:  # so is a state_<name>() method
        return {"status": "suspended"}
# --8<-- [end:define]


async def main() -> None:
    # --8<-- [start:names]
    assert UserFactory.state_names() == ["admin", "suspended"]
    # --8<-- [end:names]

    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine, expire_on_commit=False) as session:
        # --8<-- [start:use]
        admin = await UserFactory.state("admin").create(session=session)
        assert (admin.role, admin.name) == ("admin", "Admin User")

        # Several states at once, or chained: later ones win.
        locked_admin = await UserFactory.state("admin", "suspended").create(session=session)
        assert (locked_admin.role, locked_admin.status) == ("admin", "suspended")
        assert UserFactory.state("admin").state("suspended").build().status == "suspended"

        # factory_boy's spelling of a Trait still works, and counts as a state.
        assert UserFactory.build(admin=True).role == "admin"
        # --8<-- [end:use]

        # --8<-- [start:builder]
        admins = UserFactory.state("admin").using(session)  # a FactoryBuilder: keep it, reuse it
        assert isinstance(admins, FactoryBuilder)

        first = await admins.create()  # no session= needed: the builder carries it
        more = await admins.create_many(3)
        drafts = admins.make_batch(2)  # builders build without a database too
        payload = admins.attributes()  # a dict of column values, ready for a request
        assert {user.role for user in [first, *more, *drafts]} == {"admin"}
        assert payload["role"] == "admin" and "id" not in payload

        suspended_admins = admins.state("suspended")  # a new builder ...
        assert (await suspended_admins.create()).status == "suspended"
        assert (await admins.create()).status == "active"  # ... the first one is unchanged
        # --8<-- [end:builder]
        await session.commit()
        assert await session.scalar(select(func.count()).select_from(User)) == 8

    # --8<-- [start:errors]
    with pytest.raises(UnknownStateError, match="admin, suspended"):
        UserFactory.state("owner")  # the message lists the valid names

    with pytest.raises(ConfigurationError, match="defined twice"):

        class TwiceFactory(ModelFactory[User]):
            class Params:
                admin = Trait(role="admin")

            @classmethod
            def state_admin(cls) -> dict[str, Any]:
                return {"role": "admin"}
    # --8<-- [end:errors]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
