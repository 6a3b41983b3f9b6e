"""Naming the model three ways, and abstract base factories that carry shared options."""

from __future__ import annotations

import asyncio
from typing import TypeVar

import pytest
from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ConfigurationError, ModelFactory, Sequence


class Base(DeclarativeBase):
    pass


class Audited:
    """A mixin: every model that uses it has a ``created_by`` column."""

    created_by: Mapped[str] = mapped_column(String(50))


class User(Audited, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)


class Tag(Audited, Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class Comment(Audited, Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))


# --8<-- [start:three-ways]
class UserFactory(ModelFactory[User]):  # 1. the generic parameter (typed: build() -> User)
    email = Sequence(lambda n: f"user{n}@example.com")
    created_by = "signup"


class TagFactory(ModelFactory):  # 2. polyfactory's __model__
    __model__ = Tag

    name = Sequence(lambda n: f"tag-{n}")
    created_by = "admin"


class CommentFactory(ModelFactory):  # 3. factory_boy's class Meta
    class Meta:
        model = Comment

    text = "Nice post"
    created_by = "signup"
# --8<-- [end:three-ways]


# --8<-- [start:abstract]
ModelT = TypeVar("ModelT")


class AuditedFactory(ModelFactory[ModelT]):  # a type variable: no model, so an abstract base
    created_by = "seed-script"  # a shared declaration

    class Meta:
        sqlalchemy_session_persistence = "commit"  # a shared option


class SeedUserFactory(AuditedFactory[User]):
    email = Sequence(lambda n: f"seed{n}@example.com")


class SeedTagFactory(AuditedFactory[Tag]):
    name = Sequence(lambda n: f"seed-tag-{n}")
# --8<-- [end:abstract]


# --8<-- [start:other-bases]
class LegacyBaseFactory(ModelFactory):  # factory_boy's spelling
    class Meta:
        abstract = True


class PolyBaseFactory(ModelFactory):  # polyfactory's spelling
    __is_base_factory__ = True
# --8<-- [end:other-bases]


async def main() -> None:
    assert UserFactory.build().created_by == "signup"
    assert TagFactory.build().name.startswith("tag-")
    assert CommentFactory.build().text == "Nice post"

    # --8<-- [start:abstract-use]
    user = SeedUserFactory.build()
    assert (user.created_by, type(user)) == ("seed-script", User)
    assert SeedTagFactory._meta.sqlalchemy_session_persistence == "commit"

    for base in (AuditedFactory, LegacyBaseFactory, PolyBaseFactory):
        with pytest.raises(ConfigurationError, match="abstract base factory"):
            base.build()
    # --8<-- [end:abstract-use]

    # --8<-- [start:disagree]
    with pytest.raises(ConfigurationError, match="the model is given more than once and disagrees"):

        class ConfusedFactory(ModelFactory[User]):
            class Meta:
                model = Tag
    # --8<-- [end:disagree]

    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as session:
        tag = await SeedTagFactory.create(session=session)  # committed: the base's mode
        assert tag.id is not None
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
