"""The model check: misspelled declarations and keywords fail early, naming the closest field."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import Faker, ModelFactory, Sequence, UnknownFieldError


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


if __name__ == "__main__":
    asyncio.run(main())
