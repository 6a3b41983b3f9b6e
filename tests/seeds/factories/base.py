"""tests/factories/base.py of the guide: shared configuration on an abstract base.

polyfactory's ``SQLAlchemyFactory[T]`` becomes ``ModelFactory[T]``; the dunder options are
asyncfactories aliases of ``Meta`` options (``asyncfactories.definition.options.CLASS_ALIASES``). The
session is set at run time by a fixture (``BaseFactory.__async_session__ = session``).
"""

from __future__ import annotations

from typing import TypeVar

from asyncfactories import ModelFactory

T = TypeVar("T")


class BaseFactory(ModelFactory[T]):
    __is_base_factory__ = True
    __set_relationships__ = True
    __randomize_collection_length__ = True
    __min_collection_length__ = 1
    __max_collection_length__ = 3
    __check_model__ = True
    __allow_none_optionals__ = False
