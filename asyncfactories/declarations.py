"""factory_boy's declarations, re-exported: the very same objects, not copies.

``from asyncfactories import Sequence`` and ``from factory import Sequence`` give the same
class, so factories written for factory_boy keep working unchanged.
"""

from __future__ import annotations

from factory.declarations import Dict as Dict
from factory.declarations import Iterator as Iterator
from factory.declarations import LazyAttribute as LazyAttribute
from factory.declarations import LazyAttributeSequence as LazyAttributeSequence
from factory.declarations import LazyFunction as LazyFunction
from factory.declarations import List as List
from factory.declarations import Maybe as Maybe
from factory.declarations import PostGeneration as PostGeneration
from factory.declarations import RelatedFactory as RelatedFactory
from factory.declarations import RelatedFactoryList as RelatedFactoryList
from factory.declarations import SelfAttribute as SelfAttribute
from factory.declarations import Sequence as Sequence
from factory.declarations import SubFactory as SubFactory
from factory.declarations import Trait as Trait
from factory.declarations import Transformer as Transformer  # type: ignore[attr-defined]  # not in types-factory-boy 0.4
from factory.faker import Faker as Faker
from factory.helpers import post_generation as post_generation

__all__ = [
    "Dict",
    "Faker",
    "Iterator",
    "LazyAttribute",
    "LazyAttributeSequence",
    "LazyFunction",
    "List",
    "Maybe",
    "PostGeneration",
    "RelatedFactory",
    "RelatedFactoryList",
    "SelfAttribute",
    "Sequence",
    "SubFactory",
    "Trait",
    "Transformer",
    "post_generation",
]
