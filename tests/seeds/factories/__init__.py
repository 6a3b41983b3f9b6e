"""The guide's "Complete Example: Sneaker Engine Test Factories", one module per domain as the
guide lays them out (``base.py``, ``user_factory.py``, ``sneaker_factory.py``, ``proposition_factory.py``)."""

from .base import BaseFactory
from .proposition_factory import PropositionFactory
from .sneaker_factory import SneakerFactory
from .user_factory import AdminUserFactory, InactiveUserFactory, UserFactory

__all__ = [
    "AdminUserFactory",
    "BaseFactory",
    "InactiveUserFactory",
    "PropositionFactory",
    "SneakerFactory",
    "UserFactory",
]
