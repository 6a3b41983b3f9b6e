"""After: the polyfactory guide's sneaker-engine factories and tests, on asyncfactories.

The factories keep their polyfactory spelling (dunder options, ``Use``, classmethod field
generators, a factory class as a field). Only the imports change, and the session: the sync
tests keep ``__session__`` and ``create_sync``; the async ones set ``__async_session__`` and
await ``create_async``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import TypeVar

import pytest
from sqlalchemy import ForeignKey, Numeric, String, create_engine, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

# --8<-- [start:imports]
from asyncfactories import MissingRequiredFieldError, ModelFactory, Require, Use

# --8<-- [end:imports]


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    hashed_password: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_superuser: Mapped[bool] = mapped_column(default=False)

    sneakers: Mapped[list[Sneaker]] = relationship(back_populates="owner")


class Sneaker(Base):
    __tablename__ = "sneakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    brand: Mapped[str] = mapped_column(String(50))
    model: Mapped[str] = mapped_column(String(100))
    size: Mapped[float] = mapped_column(Numeric(3, 1, asdecimal=False))
    price: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False))
    condition: Mapped[str] = mapped_column(String(20))

    owner: Mapped[User] = relationship(back_populates="sneakers")


# --8<-- [start:base]
T = TypeVar("T")


class BaseFactory(ModelFactory[T]):
    __is_base_factory__ = True
    __set_relationships__ = True
    __randomize_collection_length__ = True
    __min_collection_length__ = 1
    __max_collection_length__ = 3
    __check_model__ = True
    __allow_none_optionals__ = False
# --8<-- [end:base]


# --8<-- [start:factories]
class UserFactory(BaseFactory[User]):
    email = Use(lambda: UserFactory.__faker__.unique.email())
    username = Use(lambda: UserFactory.__faker__.unique.user_name())
    hashed_password = "$2b$12$LQv3c1yqBWVHxkd0LHAkCOYz6TtxMQJqhN8/LewY5NU7xELq1aDDq"
    is_active = True


class AdminUserFactory(UserFactory):
    is_superuser = True


class SneakerFactory(BaseFactory[Sneaker]):
    owner = UserFactory

    brand = Use(lambda: SneakerFactory.__random__.choice(["Nike", "Adidas", "Puma", "Reebok", "New Balance"]))

    model = Use(lambda: SneakerFactory.__faker__.word().title())

    @classmethod
    def size(cls) -> float:
        return cls.__random__.choice([7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0])

    @classmethod
    def price(cls) -> float:
        return round(cls.__random__.uniform(50.0, 500.0), 2)

    condition = Use(lambda: SneakerFactory.__random__.choice(["New", "Like New", "Excellent", "Good", "Fair"]))
# --8<-- [end:factories]


# --8<-- [start:sync-conftest]
@contextlib.contextmanager
def sync_database() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        BaseFactory.__session__ = session  # configure factories to use this session
        try:
            yield session
        finally:
            BaseFactory.__session__ = None
    engine.dispose()


@pytest.fixture
def db_session() -> Iterator[Session]:
    """Create a fresh database for each test."""
    with sync_database() as session:
        yield session
# --8<-- [end:sync-conftest]


# --8<-- [start:sync-tests]
def test_create_user(db_session: Session) -> None:
    user = UserFactory.create_sync()
    assert user.id is not None
    assert "@" in user.email


def test_user_with_sneakers(db_session: Session) -> None:
    user = UserFactory.create_sync()
    sneakers = SneakerFactory.create_batch_sync(size=5, owner_id=user.id)

    db_session.refresh(user)
    assert all(sneaker in user.sneakers for sneaker in sneakers)
# --8<-- [end:sync-tests]


# --8<-- [start:async-conftest]
@contextlib.asynccontextmanager
async def database() -> AsyncIterator[AsyncSession]:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        BaseFactory.__async_session__ = session  # read at call time by every subclass
        try:
            yield session
        finally:
            BaseFactory.__async_session__ = None
    await engine.dispose()


@pytest.fixture
async def async_db_session() -> AsyncIterator[AsyncSession]:
    async with database() as session:
        yield session
# --8<-- [end:async-conftest]


# --8<-- [start:async-tests]
async def test_create_user_async(async_db_session: AsyncSession) -> None:
    user = await UserFactory.create_async()
    assert user.id is not None
    assert "@" in user.email


async def test_admin_user(async_db_session: AsyncSession) -> None:
    admin = await AdminUserFactory.create_async()
    assert admin.is_superuser is True


async def test_create_sneaker(async_db_session: AsyncSession) -> None:
    user = await UserFactory.create_async()
    sneaker = await SneakerFactory.create_async(owner_id=user.id)

    assert sneaker.id is not None
    assert sneaker.owner_id == user.id
    assert 50.0 <= sneaker.price <= 500.0


async def test_user_with_sneakers_async(async_db_session: AsyncSession) -> None:
    user = await UserFactory.create_async()
    sneakers = await SneakerFactory.create_batch_async(size=5, owner_id=user.id)

    await async_db_session.refresh(user, ["sneakers"])  # refresh is a coroutine too
    assert all(sneaker in user.sneakers for sneaker in sneakers)
# --8<-- [end:async-tests]


# --8<-- [start:exceptions]
def test_required_fields() -> None:
    class StrictUserFactory(UserFactory):
        email = Require()

    with pytest.raises(MissingRequiredFieldError):  # polyfactory: MissingBuildKwargException
        StrictUserFactory.build()
# --8<-- [end:exceptions]


# --8<-- [start:handler]
class LoggingPersistence:
    """polyfactory's CustomSyncHandler / AsyncPersistenceProtocol, as a persistence handler."""

    def __init__(self) -> None:
        self.saved: list[str] = []

    async def save(self, session: AsyncSession, instance: User) -> None:
        session.add(instance)
        await session.commit()
        self.saved.append(instance.email)

    async def save_many(self, session: AsyncSession, instances: list[User]) -> None:
        session.add_all(instances)
        await session.commit()
        self.saved.extend(instance.email for instance in instances)


class LoggedUserFactory(UserFactory):
    class Meta:
        persistence_handler = LoggingPersistence()  # polyfactory: __async_persistence__ = ...
# --8<-- [end:handler]


# --8<-- [start:own-session-handler]
class OwnSessionPersistence:
    """polyfactory's persistence protocol as it was: save(data), through a session of its own."""

    def __init__(self, session_maker: sessionmaker[Session]) -> None:
        self.session_maker = session_maker

    def save(self, data: User) -> User:
        return self.save_many([data])[0]

    def save_many(self, data: list[User]) -> list[User]:
        with self.session_maker.begin() as session:  # commits, then closes
            session.add_all(data)
        return data


def create_through_own_session_handler(session_maker: sessionmaker[Session]) -> User:
    class HandledUserFactory(UserFactory):
        __sync_persistence__ = OwnSessionPersistence(session_maker)

    return HandledUserFactory.create_sync()  # no session bound, and none needed
# --8<-- [end:own-session-handler]


async def main() -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    handled = create_through_own_session_handler(sessionmaker(engine, expire_on_commit=False))
    assert handled.id is not None
    engine.dispose()

    with sync_database() as session:
        test_create_user(session)
        test_user_with_sneakers(session)
        session.commit()
        assert session.scalar(select(func.count()).select_from(Sneaker)) >= 5

    async with database() as async_session:
        await test_create_user_async(async_session)
        await test_admin_user(async_session)
        await test_create_sneaker(async_session)
        await test_user_with_sneakers_async(async_session)
        test_required_fields()

        handler = LoggedUserFactory._meta.persistence_handler
        user = await LoggedUserFactory.create_async(email="logged@example.com")
        assert handler.saved == ["logged@example.com"] and user.id is not None
        assert not async_session.in_transaction()  # the handler committed


if __name__ == "__main__":
    asyncio.run(main())
