"""asyncfactories: factory_boy factories for SQLAlchemy 2.x that persist through async sessions.

``await UserFactory.create()`` builds with factory_boy and writes through an ``AsyncSession``;
every factory_boy declaration keeps working. See https://asyncfactories.readthedocs.io (the
``docs/`` folder) for the guides.
"""

from __future__ import annotations

from . import events as events
from .builder import FactoryBuilder as FactoryBuilder
from .building.declarations import Dict as Dict
from .building.declarations import Faker as Faker
from .building.declarations import Ignore as Ignore
from .building.declarations import Iterator as Iterator
from .building.declarations import LazyAttribute as LazyAttribute
from .building.declarations import LazyAttributeSequence as LazyAttributeSequence
from .building.declarations import LazyFunction as LazyFunction
from .building.declarations import List as List
from .building.declarations import Maybe as Maybe
from .building.declarations import PostGenerated as PostGenerated
from .building.declarations import PostGeneration as PostGeneration
from .building.declarations import RelatedFactory as RelatedFactory
from .building.declarations import RelatedFactoryList as RelatedFactoryList
from .building.declarations import Require as Require
from .building.declarations import SelfAttribute as SelfAttribute
from .building.declarations import Sequence as Sequence
from .building.declarations import SubFactory as SubFactory
from .building.declarations import Trait as Trait
from .building.declarations import Transformer as Transformer
from .building.declarations import Use as Use
from .building.declarations import post_generation as post_generation
from .definition.call_context import avoid_taken_values as avoid_taken_values
from .exceptions import ConfigurationError as ConfigurationError
from .exceptions import FactoryError as FactoryError
from .exceptions import MissingRequiredFieldError as MissingRequiredFieldError
from .exceptions import SessionConflictError as SessionConflictError
from .exceptions import SessionNotBoundError as SessionNotBoundError
from .exceptions import SessionTypeError as SessionTypeError
from .exceptions import UnknownFieldError as UnknownFieldError
from .exceptions import UnknownStateError as UnknownStateError
from .factory import ModelFactory as ModelFactory
from .integrations.linting import LintReport as LintReport
from .integrations.linting import lint as lint
from .persisting.persistence import AsyncPersistenceHandler as AsyncPersistenceHandler
from .persisting.persistence import SyncPersistenceHandler as SyncPersistenceHandler
from .persisting.session import bind_session as bind_session
from .persisting.tracking import CreatedRows as CreatedRows
from .persisting.tracking import tracking as tracking
from .seeding import seed as seed

__version__ = "0.1.0"

__all__ = [
    "AsyncPersistenceHandler",
    "ConfigurationError",
    "CreatedRows",
    "Dict",
    "FactoryBuilder",
    "FactoryError",
    "Faker",
    "Ignore",
    "Iterator",
    "LazyAttribute",
    "LazyAttributeSequence",
    "LazyFunction",
    "LintReport",
    "List",
    "Maybe",
    "MissingRequiredFieldError",
    "ModelFactory",
    "PostGenerated",
    "PostGeneration",
    "RelatedFactory",
    "RelatedFactoryList",
    "Require",
    "SelfAttribute",
    "Sequence",
    "SessionConflictError",
    "SessionNotBoundError",
    "SessionTypeError",
    "SubFactory",
    "SyncPersistenceHandler",
    "Trait",
    "Transformer",
    "UnknownFieldError",
    "UnknownStateError",
    "Use",
    "avoid_taken_values",
    "bind_session",
    "events",
    "lint",
    "post_generation",
    "seed",
    "tracking",
]
