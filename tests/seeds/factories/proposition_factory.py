"""tests/factories/proposition_factory.py, which the guide lists but does not show.

By default each side of the swap gets a new user, and each sneaker belongs to its side;
tests usually pass the four foreign keys instead (``sender_id=...``), which replaces the
matching SubFactory: no extra user or sneaker is built (SPEC §5.3).
"""

from __future__ import annotations

from asyncfactories import SelfAttribute, SubFactory

from ..models import Proposition
from .base import BaseFactory
from .sneaker_factory import SneakerFactory
from .user_factory import UserFactory


class PropositionFactory(BaseFactory[Proposition]):
    sender = UserFactory
    receiver = UserFactory
    offered_sneaker = SubFactory(SneakerFactory, owner=SelfAttribute("..sender"))
    requested_sneaker = SubFactory(SneakerFactory, owner=SelfAttribute("..receiver"))
    status = "pending"
