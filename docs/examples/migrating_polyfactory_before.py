"""Before: the polyfactory guide's sneaker-engine factories and tests, on polyfactory.

This is the module ``migrating_polyfactory.py`` starts from, run against polyfactory itself
(a test dependency of this repository, not of asyncfactories). The models are the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

# --8<-- [start:imports]
from polyfactory import Use
from polyfactory.exceptions import MissingBuildKwargException
from polyfactory.factories.sqlalchemy_factory import SQLAlchemyFactory, T
from polyfactory.fields import Require
from polyfactory.persistence import SyncPersistenceProtocol
from sqlalchemy import ForeignKey, Numeric, String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

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
class BaseFactory(SQLAlchemyFactory[T]):
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
@pytest.fixture(scope="function")  # noqa: PT003 - as polyfactory's guide writes it
def db_session() -> Iterator[Session]:
    """Create a fresh database for each test."""
    engine = create_engine("sqlite:///:memory:")
    Base.metadata.create_all(engine)
    session = Session(engine)

    # Configure factories to use this session
    BaseFactory.__session__ = session

    yield session

    session.close()
# --8<-- [end:sync-conftest]


# --8<-- [start:sync-tests]
def test_create_user(db_session: Session) -> None:
    user = UserFactory.create_sync()
    assert user.id is not None
    assert "@" in user.email


def test_user_with_sneakers(db_session: Session) -> None:
    user = UserFactory.create_sync()
    sneakers = SneakerFactory.create_batch_sync(size=5, owner=user)

    db_session.refresh(user)
    assert all(sneaker in user.sneakers for sneaker in sneakers)
# --8<-- [end:sync-tests]


# --8<-- [start:owner-id]
def test_owner_id_does_not_replace_the_owner_factory(db_session: Session) -> None:
    user = UserFactory.create_sync()
    sneakers = SneakerFactory.create_batch_sync(size=5, owner_id=user.id)

    # `owner = UserFactory` still builds an owner per sneaker, and wins over owner_id
    assert all(sneaker.owner_id != user.id for sneaker in sneakers)
# --8<-- [end:owner-id]


# --8<-- [start:exceptions]
def test_required_fields() -> None:
    class StrictUserFactory(UserFactory):
        email = Require()

    with pytest.raises(MissingBuildKwargException):
        StrictUserFactory.build()
# --8<-- [end:exceptions]


# --8<-- [start:handler]
class CustomSyncHandler(SyncPersistenceProtocol[User]):
    def __init__(self) -> None:
        self.saved: list[str] = []

    def save(self, data: User) -> User:
        session = BaseFactory.__session__
        session.add(data)
        session.commit()
        self.saved.append(data.email)
        return data

    def save_many(self, data: list[User]) -> list[User]:
        for user in data:
            self.save(user)
        return data


handler = CustomSyncHandler()


class LoggedUserFactory(UserFactory):
    __session__ = None  # with a session, polyfactory uses its built-in persistence instead
    __sync_persistence__ = handler
# --8<-- [end:handler]


async def main() -> None:
    fixture = db_session.__wrapped__()  # type: ignore[attr-defined]  # the fixture's function, as pytest runs it
    session = next(fixture)
    test_create_user(session)
    test_user_with_sneakers(session)
    test_owner_id_does_not_replace_the_owner_factory(session)
    test_required_fields()
    user = LoggedUserFactory.create_sync(email="logged@example.com")
    assert handler.saved == ["logged@example.com"] and user.id is not None
    assert session.scalar(select(func.count()).select_from(Sneaker)) >= 5
    with pytest.raises(StopIteration):
        next(fixture)


if __name__ == "__main__":
    asyncio.run(main())
