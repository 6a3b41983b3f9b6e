"""How much a zero-config value costs, next to the Faker call a hand-written factory would make.

Run: ``python benchmarks/bench_autogen.py``. Prints microseconds per value for each column
type (asyncfactories' generator vs the matching Faker provider), then per built instance for a
15-column model: a factory declaring nothing vs the same factory declaring a ``Faker`` field
for every column. No database is touched.
"""

from __future__ import annotations

import datetime as dt
import random
import timeit
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import faker
from sqlalchemy import Boolean, Date, DateTime, Enum, Integer, Numeric, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import Faker, ModelFactory
from asyncfactories.autogen import ColumnSpec
from asyncfactories.autogen.columns import model_schema
from asyncfactories.autogen.registry import builtin_generators, producer


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "bench_customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(40))
    last_name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(30))
    city: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(30))
    visits: Mapped[int] = mapped_column(Integer)
    balance: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    active: Mapped[bool] = mapped_column(Boolean)
    born: Mapped[dt.date] = mapped_column(Date)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    tier: Mapped[str] = mapped_column(Enum("free", "pro", "team", name="bench_tier"))
    token: Mapped[str] = mapped_column(Uuid, unique=True)


class AutoCustomerFactory(ModelFactory[Customer]):
    pass


class FakerCustomerFactory(ModelFactory[Customer]):
    email = Faker("email")
    name = Faker("name")
    first_name = Faker("first_name")
    last_name = Faker("last_name")
    phone = Faker("phone_number")
    city = Faker("city")
    title = Faker("sentence", nb_words=4)
    description = Faker("paragraph")
    label = Faker("word")
    visits = Faker("pyint")
    balance = Faker("pydecimal", left_digits=8, right_digits=2, positive=True)
    active = Faker("pybool")
    born = Faker("date_object")
    seen_at = Faker("date_time")
    tier = Faker("random_element", elements=("free", "pro", "team"))
    token = Faker("uuid4", cast_to=None)


fake = faker.Faker()

#: column -> the Faker call a hand-written factory would use for it.
FAKER_CALLS: dict[str, Callable[[], Any]] = {
    "email": fake.email,
    "name": fake.name,
    "phone": fake.phone_number,
    "city": fake.city,
    "title": lambda: fake.sentence(nb_words=4),
    "description": fake.paragraph,
    "label": fake.word,
    "visits": fake.pyint,
    "balance": lambda: fake.pydecimal(left_digits=8, right_digits=2, positive=True),
    "active": fake.pybool,
    "born": fake.date_object,
    "seen_at": fake.date_time,
    "tier": lambda: fake.random_element(("free", "pro", "team")),
    "token": fake.uuid4,
}


def per_call_us(fn: Callable[[], Any], number: int) -> float:
    best = min(timeit.repeat(fn, number=number, repeat=5))
    return best / number * 1e6


def spec_for(key: str, unique: bool = False) -> ColumnSpec:
    spec = model_schema(Customer).columns[key].spec
    return ColumnSpec(**{**spec.__dict__, "unique": unique})


def bench_values() -> None:
    rnd = random.Random(1)
    tables = [builtin_generators()]
    print(f"{'column (type)':34} {'asyncfactories':>16} {'Faker':>10} {'ratio':>8}")
    for key, faker_call in FAKER_CALLS.items():
        unique = key in ("email", "token")
        produce = producer(AutoCustomerFactory, spec_for(key, unique), tables)
        ours = per_call_us(lambda produce=produce: produce(rnd), 20_000)
        theirs = per_call_us(faker_call, 2_000)
        kind = type(spec_for(key).type).__name__ + (", unique" if unique else "")
        print(f"{key + ' (' + kind + ')':34} {ours:13.2f} µs {theirs:7.1f} µs {theirs / ours:7.1f}x")


def bench_instances() -> None:
    AutoCustomerFactory.build()  # first build inspects the model (once per class)
    FakerCustomerFactory.build()
    ours = per_call_us(AutoCustomerFactory.build, 2_000)
    theirs = per_call_us(FakerCustomerFactory.build, 500)
    print()
    print(f"one {len(FAKER_CALLS) + 2}-column instance, zero-config: {ours:8.1f} µs")
    print(f"one {len(FAKER_CALLS) + 2}-column instance, Faker fields: {theirs:8.1f} µs ({theirs / ours:.1f}x)")
    first = timeit.timeit(lambda: ModelFactory.create_factory(Customer).build(), number=1) * 1e6
    print(f"first build of a new factory class (inspection included): {first:8.1f} µs")


if __name__ == "__main__":
    bench_values()
    bench_instances()
