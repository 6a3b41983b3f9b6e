"""tests/factories/sneaker_factory.py of the guide."""

from __future__ import annotations

from asyncfactories import Use

from ..models import Sneaker
from .base import BaseFactory
from .user_factory import UserFactory

BRANDS = ["Nike", "Adidas", "Puma", "Reebok", "New Balance"]
SIZES = [7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0]
CONDITIONS = ["New", "Like New", "Excellent", "Good", "Fair"]


class SneakerFactory(BaseFactory[Sneaker]):
    owner = UserFactory  # a factory class as a value means SubFactory(UserFactory)

    brand = Use(lambda: SneakerFactory.__random__.choice(BRANDS))

    model = Use(lambda: SneakerFactory.__faker__.word().title())

    @classmethod
    def size(cls) -> float:
        return cls.__random__.choice(SIZES)

    @classmethod
    def price(cls) -> float:
        return round(cls.__random__.uniform(50.0, 500.0), 2)

    condition = Use(lambda: SneakerFactory.__random__.choice(CONDITIONS))
