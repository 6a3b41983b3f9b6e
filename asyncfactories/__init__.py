"""asyncfactories: factory_boy factories for SQLAlchemy 2.x that persist through async sessions.

``await UserFactory.create()`` builds with factory_boy and writes through an ``AsyncSession``;
every factory_boy declaration keeps working. See https://asyncfactories.readthedocs.io (the
``docs/`` folder) for the guides.
"""

from __future__ import annotations

from .builder import FactoryBuilder as FactoryBuilder
from .declarations import Dict as Dict
from .declarations import Faker as Faker
from .declarations import Ignore as Ignore
from .declarations import Iterator as Iterator
from .declarations import LazyAttribute as LazyAttribute
from .declarations import LazyAttributeSequence as LazyAttributeSequence
from .declarations import LazyFunction as LazyFunction
from .declarations import List as List
from .declarations import Maybe as Maybe
from .declarations import PostGenerated as PostGenerated
from .declarations import PostGeneration as PostGeneration
from .declarations import RelatedFactory as RelatedFactory
from .declarations import RelatedFactoryList as RelatedFactoryList
from .declarations import Require as Require
from .declarations import SelfAttribute as SelfAttribute
from .declarations import Sequence as Sequence
from .declarations import SubFactory as SubFactory
from .declarations import Trait as Trait
from .declarations import Transformer as Transformer
from .declarations import Use as Use
from .declarations import post_generation as post_generation
from .exceptions import ConfigurationError as ConfigurationError
from .exceptions import FactoryError as FactoryError
from .exceptions import MissingRequiredFieldError as MissingRequiredFieldError
from .exceptions import SessionConflictError as SessionConflictError
from .exceptions import SessionNotBoundError as SessionNotBoundError
from .exceptions import SessionTypeError as SessionTypeError
from .exceptions import UnknownFieldError as UnknownFieldError
from .exceptions import UnknownStateError as UnknownStateError
from .factory import ModelFactory as ModelFactory
from .linting import LintReport as LintReport
from .linting import lint as lint
from .persistence import AsyncPersistenceHandler as AsyncPersistenceHandler
from .persistence import SyncPersistenceHandler as SyncPersistenceHandler
from .seeding import seed as seed
from .session import bind_session as bind_session

__version__ = "0.1.0"

__all__ = [
    "AsyncPersistenceHandler",
    "ConfigurationError",
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
    "bind_session",
    "lint",
    "post_generation",
    "seed",
]
