"""Reproducible data: seed(), Meta.random_seed / __random_seed__, cls.__random__ and cls.__faker__."""

from __future__ import annotations

import asyncio
import random

from faker import Faker as FakerGenerator
from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import asyncfactories
from asyncfactories import Faker, ModelFactory, Use


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(100))


# --8<-- [start:factory]
class UserFactory(ModelFactory[User]):
    name = Faker("name")  # factory_boy's Faker declaration
    email = Use(lambda: UserFactory.__faker__.email())  # the factory's Faker

    @classmethod
    def role(cls) -> str:  # a field generator drawing from the seeded generator
        return cls.__random__.choice(["admin", "member", "guest"])

    @classmethod
    def city(cls) -> str:
        return cls.__faker__.city()
# --8<-- [end:factory]


# --8<-- [start:in-body]
class GuestFactory(ModelFactory[User]):
    role = Use(ModelFactory.__random__.choice, ["admin", "member", "guest"])
# --8<-- [end:in-body]


def snapshot(users: list[User]) -> list[tuple[str, str, str, str]]:
    return [(user.name, user.email, user.role, user.city) for user in users]


async def main() -> None:
    # --8<-- [start:seed]
    asyncfactories.seed(1234)
    first = UserFactory.build_batch(5)

    asyncfactories.seed(1234)
    again = UserFactory.build_batch(5)

    assert snapshot(first) == snapshot(again)  # every value replayed
    # --8<-- [end:seed]

    assert GuestFactory.build().role in ["admin", "member", "guest"]

    # --8<-- [start:random-seed]
    class SeededUserFactory(UserFactory):
        __random_seed__ = 1234  # the same as: class Meta: random_seed = 1234

    assert snapshot(SeededUserFactory.build_batch(5)) == snapshot(first)
    # --8<-- [end:random-seed]

    # --8<-- [start:faker]
    class SpanishUserFactory(UserFactory):
        __faker__ = FakerGenerator(locale="es_ES")  # the same as: class Meta: faker = ...

    asyncfactories.seed(7)
    spanish = SpanishUserFactory.build()
    asyncfactories.seed(7)
    assert SpanishUserFactory.build().city == spanish.city  # a custom Faker follows the seed too
    assert SpanishUserFactory.__faker__.locales == ["es_ES"]
    # --8<-- [end:faker]

    # --8<-- [start:private-random]
    class PrivateRandomFactory(UserFactory):
        __random__ = random.Random(99)  # this class's own generator: seed() leaves it alone

    expected = random.Random(99)
    assert [PrivateRandomFactory.build().role for _ in range(3)] == [
        expected.choice(["admin", "member", "guest"]) for _ in range(3)
    ]
    # --8<-- [end:private-random]

    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        # --8<-- [start:create]
        asyncfactories.seed(1234)
        created = await UserFactory.create_many(5, session=session)
        assert snapshot(created) == snapshot(first)  # create draws exactly as build does
        # --8<-- [end:create]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
