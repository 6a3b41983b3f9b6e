"""Faker's weighted picks, sped up, give exactly the values stock Faker gives (``_faker_speed``)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import factory
import faker
import pytest
from faker.providers import BaseProvider
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory, seed
from asyncfactories._faker_speed import speed_up
from asyncfactories.seeding import shared_faker

METHODS = (
    "name",
    "first_name",
    "last_name",
    "email",
    "address",
    "city",
    "country",
    "company",
    "job",
    "phone_number",
    "sentence",
    "date_of_birth",
    "user_name",
    "url",
    "color_name",
)


def _values(fake: faker.Faker, rounds: int) -> list[Any]:
    return [getattr(fake, method)() for _ in range(rounds) for method in METHODS]


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR", "ja_JP", "pt_BR"])
def test_a_sped_up_faker_gives_the_values_of_a_stock_one_for_the_same_seed(locale: str) -> None:
    stock, fast = faker.Faker(locale), faker.Faker(locale)
    speed_up(fast)
    stock.seed_instance(1234)
    fast.seed_instance(1234)

    assert _values(fast, 200) == _values(stock, 200)


def test_the_providers_draw_through_the_faster_picks_after_speed_up() -> None:
    fake = faker.Faker("en_US")
    speed_up(fake)
    person = next(p for p in fake._factories[0].providers if type(p).__module__.startswith("faker.providers.person"))
    fake.seed_instance(7)
    fake.last_name()  # builds the running totals of the last-name table

    assert person.random_elements.__func__ is not BaseProvider.random_elements
    assert hasattr(person.last_names, "_asyncfactories_cum_weights")


def _base_provider(fake: faker.Faker) -> Any:
    """The provider Faker's own methods call ``self.random_elements`` on (here: the last one)."""
    return fake._factories[0].providers[-1]


def test_every_other_kind_of_pick_still_matches_stock_faker() -> None:
    table = OrderedDict([("a", 0.5), ("b", 0.2), ("c", 0.2), ("d", 0.1)])
    stock, fast = faker.Faker(), faker.Faker()
    speed_up(fast)
    for fake in (stock, fast):
        fake.seed_instance(99)

    def picks(provider: Any) -> list[Any]:
        return [
            provider.random_elements(table, length=5),
            provider.random_elements(table, length=3, unique=True),
            provider.random_elements(table),  # a random length
            provider.random_elements(("x", "y", "z"), length=4),
            provider.random_elements(table, length=4, use_weighting=False),
            provider.random_element(table),
        ]

    fast_provider = _base_provider(fast)
    assert fast_provider.random_elements.__func__ is not BaseProvider.random_elements
    assert [picks(fast_provider) for _ in range(50)] == [picks(_base_provider(stock)) for _ in range(50)]


def test_a_table_that_grows_gets_new_running_totals() -> None:
    fake = faker.Faker()
    speed_up(fake)
    provider = _base_provider(fake)
    table = OrderedDict([("a", 1.0), ("b", 1.0)])
    fake.seed_instance(3)
    assert set(provider.random_elements(table, length=50)) == {"a", "b"}

    table["c"] = 1000.0

    assert "c" in provider.random_elements(table, length=50)


def test_a_provider_with_its_own_random_elements_keeps_it() -> None:
    class Loaded(BaseProvider):
        def random_elements(self, *args: Any, **kwargs: Any) -> Any:
            return ["loaded"]

        def loaded(self) -> str:
            return str(self.random_element(OrderedDict([("fair", 1.0)])))

    fake = faker.Faker()
    fake.add_provider(Loaded)
    speed_up(fake)

    assert fake.loaded() == "loaded"


def test_speed_up_is_idempotent() -> None:
    fake = faker.Faker()
    speed_up(fake)
    provider = fake._factories[0].providers[0]
    first = provider.random_elements
    speed_up(fake)

    assert provider.random_elements is first


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "faker_speed_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


def _sped_up(fake: faker.Faker) -> bool:
    return all("_asyncfactories_sped_up" in provider.__dict__ for provider in fake._factories[0].providers)


def test_defining_a_factory_speeds_up_the_fakers_its_declarations_use() -> None:
    class GermanPersonFactory(ModelFactory[Person]):
        name = factory.Faker("name", locale="de_DE")

    assert _sped_up(factory.Faker._get_faker("de_DE"))
    assert _sped_up(factory.Faker._get_faker())
    assert _sped_up(shared_faker)
    assert GermanPersonFactory.build().name


def test_seeded_factories_repeat_their_faker_values() -> None:
    class PersonFactory(ModelFactory[Person]):
        name = factory.Faker("name")

    seed(2026)
    first = [person.name for person in PersonFactory.build_batch(20)]
    seed(2026)
    second = [person.name for person in PersonFactory.build_batch(20)]

    assert first == second
    assert len(set(first)) > 10
