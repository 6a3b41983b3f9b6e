"""Models for the seed-document tests: the Laravel-style page and the polyfactory guide.

They live on their own ``DeclarativeBase`` (table names prefixed ``seed_``) so they never mix
with ``tests/models.py``; ``tests/seeds/conftest.py`` creates and empties their tables. Written
to run on SQLite, PostgreSQL and MariaDB alike (explicit string lengths, portable server defaults).
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Dialect,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator


class SeedBase(DeclarativeBase):
    pass


# ---------------------------------------------------------------- users (both documents)


class User(SeedBase):
    """The Laravel page's user (name, email, role, server defaults) and the guide's
    sneaker-engine user (email, username, hashed_password, is_active, is_superuser)."""

    __tablename__ = "seed_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    username: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(50))
    hashed_password: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20), default="user")
    status: Mapped[str] = mapped_column(String(20), default="active")
    is_active: Mapped[bool] = mapped_column(default=True)
    is_superuser: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None]
    score: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    # Deleting a user deletes their sneakers (the guide's CRUD recipe deletes users that own some).
    sneakers: Mapped[list[Sneaker]] = relationship(back_populates="owner", cascade="all, delete-orphan")


# ---------------------------------------------------------------- the sneaker engine


class Sneaker(SeedBase):
    __tablename__ = "seed_sneakers"
    __table_args__ = (CheckConstraint("price >= 0", name="seed_sneakers_price_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("seed_users.id"))
    brand: Mapped[str] = mapped_column(String(50))
    model: Mapped[str] = mapped_column(String(100))
    size: Mapped[float] = mapped_column(Numeric(3, 1, asdecimal=False))
    price: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False))
    condition: Mapped[str] = mapped_column(String(20))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)

    owner: Mapped[User] = relationship(back_populates="sneakers")


class Proposition(SeedBase):
    """A swap offer: ``sender`` offers ``offered_sneaker`` for ``receiver``'s ``requested_sneaker``."""

    __tablename__ = "seed_propositions"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("seed_users.id"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("seed_users.id"))
    offered_sneaker_id: Mapped[int] = mapped_column(ForeignKey("seed_sneakers.id"))
    requested_sneaker_id: Mapped[int] = mapped_column(ForeignKey("seed_sneakers.id"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    sender: Mapped[User] = relationship(foreign_keys=[sender_id])
    receiver: Mapped[User] = relationship(foreign_keys=[receiver_id])
    offered_sneaker: Mapped[Sneaker] = relationship(foreign_keys=[offered_sneaker_id])
    requested_sneaker: Mapped[Sneaker] = relationship(foreign_keys=[requested_sneaker_id])


# ---------------------------------------------------------------- smaller examples of the guide


class Event(SeedBase):
    __tablename__ = "seed_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[datetime]
    end_date: Mapped[datetime]
    created_at: Mapped[datetime | None]


class Author(SeedBase):
    __tablename__ = "seed_authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))

    books: Mapped[list[Book]] = relationship(back_populates="author")


class Book(SeedBase):
    __tablename__ = "seed_books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("seed_authors.id"))

    author: Mapped[Author] = relationship(back_populates="books")


class Address(SeedBase):
    __tablename__ = "seed_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(100))


class Pet(SeedBase):
    __tablename__ = "seed_pets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    species: Mapped[str] = mapped_column(String(50), default="Dog")


class Customer(SeedBase):
    """The guide's ``User`` with an ``address`` sub-factory and a ``full_address`` built from it."""

    __tablename__ = "seed_customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(100))
    full_address: Mapped[str | None] = mapped_column(String(300))
    address_id: Mapped[int | None] = mapped_column(ForeignKey("seed_addresses.id"))

    address: Mapped[Address | None] = relationship()


class Person(SeedBase):
    """The guide's ``Person`` whose ``pet`` comes from the default factory for ``Pet``."""

    __tablename__ = "seed_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    pet_id: Mapped[int] = mapped_column(ForeignKey("seed_pets.id"))

    pet: Mapped[Pet] = relationship()


class Subscriber(SeedBase):
    """The guide's "Test Validation with Factories": the model validates, as SQLAlchemy models do."""

    __tablename__ = "seed_subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120))

    @validates("email")
    def _check_email(self, key: str, value: str) -> str:
        if "@" not in value:
            raise ValueError(f"invalid email address: {value!r}")
        return value


class UserRole(str, enum.Enum):
    ADMIN = "admin"
    USER = "user"
    GUEST = "guest"


class Member(SeedBase):
    """The guide's "Factory with Enum Fields", with a real ``Enum`` column."""

    __tablename__ = "seed_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    nickname: Mapped[str] = mapped_column(String(50))
    role: Mapped[UserRole] = mapped_column(Enum(UserRole, native_enum=False, length=10))


class Location(TypeDecorator[tuple[Decimal, Decimal]]):
    """The guide's custom column type: a ``(latitude, longitude)`` pair, stored as text."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else f"{value[0]},{value[1]}"

    def process_result_value(self, value: Any, dialect: Dialect) -> tuple[Decimal, Decimal] | None:
        if value is None:
            return None
        latitude, longitude = value.split(",")
        return Decimal(latitude), Decimal(longitude)


class Place(SeedBase):
    __tablename__ = "seed_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    location: Mapped[tuple[Decimal, Decimal]] = mapped_column(Location)
