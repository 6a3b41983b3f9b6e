"""One seed for every source of randomness the library uses (see docs/guides/reproducibility.md).

``seed(n)`` reseeds factory_boy's generator (its fuzzy attributes), Faker's shared generator
(``Faker(...)`` declarations and ``cls.__faker__``), and ``shared_random`` — the
``random.Random`` behind ``cls.__random__`` and the zero-config value generators. Two processes
that seed alike and call alike build identical data.
"""

from __future__ import annotations

import random

import factory.random
import faker

from ._faker_speed import speed_up

__all__ = ["seed", "shared_faker", "shared_random"]

#: The ``random.Random`` every factory exposes as ``cls.__random__``.
shared_random = random.Random()

#: The ``Faker`` every factory exposes as ``cls.__faker__`` unless ``Meta.faker`` replaces it.
#: It draws from Faker's shared generator, which ``seed()`` reseeds.
shared_faker = faker.Faker()
speed_up(shared_faker)


def seed(value: int) -> None:
    """Reseed every source of randomness asyncfactories uses.

    Covers factory_boy (``factory.random``), Faker's shared generator and the library's own
    generator (``cls.__random__``). Sequences are not reset: use ``Factory._reset_seq()``.
    Raises ``TypeError`` unless ``value`` is an ``int``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"asyncfactories.seed() takes an int, got {value!r}")
    factory.random.reseed_random(value)
    shared_random.seed(value)
