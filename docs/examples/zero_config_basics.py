"""Zero configuration: a factory that declares nothing builds and creates valid rows."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import uuid
from decimal import Decimal

from sqlalchemy import Enum, Numeric, String, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory


class Base(DeclarativeBase):
    pass


class Plan(enum.Enum):
    FREE = "free"
    PRO = "pro"


# --8<-- [start:model]
class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)  # autoincrement: left to the database
    email: Mapped[str] = mapped_column(String(120), unique=True)  # realistic, never repeats
    name: Mapped[str] = mapped_column(String(80))  # "Ada Chen"
    city: Mapped[str] = mapped_column(String(50))  # "Lisbon"
    notes: Mapped[str] = mapped_column(Text)  # a readable sentence
    plan: Mapped[Plan] = mapped_column(Enum(Plan))  # one of the members
    balance: Mapped[Decimal] = mapped_column(Numeric(8, 2))  # within precision and scale
    born: Mapped[dt.date]  # 2000-2030, from the seeded random source
    api_key: Mapped[uuid.UUID]
    role: Mapped[str] = mapped_column(String(20), default="member")  # Python default: kept
    nickname: Mapped[str | None] = mapped_column(String(30))  # nullable: stays None
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())  # the database's


class CustomerFactory(ModelFactory[Customer]):
    pass  # nothing declared
# --8<-- [end:model]


async def main() -> None:
    # --8<-- [start:build]
    customer = CustomerFactory.build()
    assert "@example." in customer.email and len(customer.email) <= 120
    assert isinstance(customer.plan, Plan) and customer.balance.as_tuple().exponent == -2
    assert dt.date(2000, 1, 1) <= customer.born <= dt.date(2030, 12, 31)
    assert customer.role == "member"  # the column's Python default, already on the instance
    assert customer.nickname is None  # nullable columns are not filled...
    assert customer.id is None and customer.created_at is None  # ...nor database-filled ones

    # Any declaration, defaults(), state or keyword replaces a generated value.
    assert CustomerFactory.build(city="Oslo").city == "Oslo"
    # --8<-- [end:build]

    # --8<-- [start:create]
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as session:
        customers = await CustomerFactory.create_many(25, session=session)
        assert len({c.email for c in customers}) == 25  # unique columns never repeat
        assert await session.scalar(select(func.count()).select_from(Customer)) == 25
        assert all(c.created_at is not None for c in customers)  # the server default, loaded
    await engine.dispose()
    # --8<-- [end:create]

    # --8<-- [start:options]
    class FilledCustomerFactory(ModelFactory[Customer]):
        class Meta:
            fill_optionals = True  # or __allow_none_optionals__ = False
            use_defaults = False  # or __use_defaults__ = False: generate defaulted columns too

    filled = FilledCustomerFactory.build()
    assert filled.nickname is not None and filled.role != "member"
    # --8<-- [end:options]


if __name__ == "__main__":
    asyncio.run(main())
