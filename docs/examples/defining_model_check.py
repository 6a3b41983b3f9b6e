"""The model check: misspelled declarations and keywords fail early, naming the closest field."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import Faker, ModelFactory, Sequence, SubFactory, UnknownFieldError


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)


class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@example.com")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author: Mapped[User] = relationship()


class PostFactory(ModelFactory[Post]):
    title = "Hello"
    author = SubFactory(UserFactory)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))

    def __init__(self, password: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)  # the mapped attributes
        self.password_hash = f"hashed:{password}"


class AccountFactory(ModelFactory[Account]):
    name = Faker("name")
    password = "s3cret"


async def main() -> None:
    # --8<-- [start:definition]
    with pytest.raises(UnknownFieldError) as caught:

        class TypoFactory(ModelFactory[User]):
            emial = Sequence(lambda n: f"user{n}@example.com")

    message = str(caught.value)
    assert message.startswith("TypoFactory: declaration 'emial' is not a mapped attribute")
    assert "did you mean 'email'?" in message
    # --8<-- [end:definition]

    # --8<-- [start:call]
    with pytest.raises(TypeError, match=r"did you mean 'name'\?"):  # an UnknownFieldError
        UserFactory.build(nmae="Ada")
    # --8<-- [end:call]

    # --8<-- [start:sub-factory]
    with pytest.raises(UnknownFieldError) as caught:
        PostFactory.build(author__nmae="Ada")  # checked against UserFactory
    assert str(caught.value).startswith(
        "UserFactory: keyword 'nmae' (given to PostFactory as author__nmae) is not a mapped attribute"
    )
    # --8<-- [end:sub-factory]

    # --8<-- [start:kwargs]
    assert AccountFactory.build(password="hunter2").password_hash == "hashed:hunter2"
    with pytest.raises(UnknownFieldError, match=r"^AccountFactory: keyword 'nmae'"):
        AccountFactory.build(nmae="Ada")  # not a TypeError from deep inside SQLAlchemy
    # --8<-- [end:kwargs]


if __name__ == "__main__":
    asyncio.run(main())
