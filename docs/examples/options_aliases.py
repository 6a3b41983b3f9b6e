"""polyfactory's dunder attributes are aliases of Meta options: same option, two spellings."""

from __future__ import annotations

import asyncio
from typing import TypeVar

import pytest
from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ConfigurationError, ModelFactory, Sequence

T = TypeVar("T")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)


# --8<-- [start:two-spellings]
class MetaBase(ModelFactory[T]):  # factory_boy style
    class Meta:
        abstract = True
        check_model = True
        sqlalchemy_session_persistence = "commit"
        max_depth = 1


class DunderBase(ModelFactory[T]):  # polyfactory style: the same options
    __is_base_factory__ = True
    __check_model__ = True
    __persistence_method__ = "commit"  # or polyfactory's SQLAlchemyPersistenceMethod.COMMIT

    class Meta:  # an option without an alias is set in Meta, next to the aliases
        max_depth = 1
# --8<-- [end:two-spellings]


class UserFactory(DunderBase[User]):
    email = Sequence(lambda n: f"user{n}@example.com")


async def main() -> None:
    for option in ("abstract", "check_model", "sqlalchemy_session_persistence", "max_depth"):
        assert getattr(MetaBase._meta, option) == getattr(DunderBase._meta, option)

    # --8<-- [start:disagree]
    with pytest.raises(ConfigurationError, match=r"disagrees with Meta\.check_model"):

        class ConfusedFactory(ModelFactory[User]):
            __check_model__ = False

            class Meta:
                check_model = True
    # --8<-- [end:disagree]

    # --8<-- [start:unsupported]
    with pytest.raises(ConfigurationError) as raised:

        class KeylessFactory(ModelFactory[User]):
            __set_primary_key__ = False

    assert str(raised.value) == (
        "KeylessFactory: __set_primary_key__ is a polyfactory option that asyncfactories does not "
        "support: autoincrement and Identity primary keys are left to the database and other primary "
        "keys are generated; remove it, or declare the key yourself, e.g. id = Sequence(lambda n: n + 1)"
    )
    # --8<-- [end:unsupported]

    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine, expire_on_commit=False) as session:
        # --8<-- [start:run-time]
        DunderBase.__async_session__ = session  # read at call time, by every subclass
        try:
            user = await UserFactory.create()
            assert user.id is not None
        finally:
            DunderBase.__async_session__ = None
        # --8<-- [end:run-time]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
