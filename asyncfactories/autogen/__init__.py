"""Zero-configuration values from the model (see docs/guides/zero-config.md).

- ``columns.py``: ``ColumnSpec`` and what SQLAlchemy says about each column, cached per model.
- ``generators.py`` / ``dialects.py`` / ``text.py``: pure ``fn(spec, random)`` value generators.
- ``registry.py``: column type -> generator, with ``Meta.type_generators`` and
  ``get_sqlalchemy_types()`` on top of the built-ins.
- ``unique.py``: process-wide counters behind values that never repeat.
- ``relationships.py``: parents and collections, and the factory chosen for a model.
- ``plan.py``: which fields a factory fills, installed under its declarations at first build.
"""

from __future__ import annotations

from .columns import ColumnSpec as ColumnSpec
from .plan import auto_declarations as auto_declarations
from .plan import install_auto_declarations as install_auto_declarations
from .registry import Generator as Generator
from .registry import builtin_generators as builtin_generators
from .relationships import register_factory as register_factory
from .unique import reset_unique_values as reset_unique_values
from .unique import restore_unique_values as restore_unique_values
from .unique import start_unique_values_after as start_unique_values_after
from .unique import unique_values_state as unique_values_state

__all__ = [
    "ColumnSpec",
    "Generator",
    "auto_declarations",
    "builtin_generators",
    "install_auto_declarations",
    "register_factory",
    "reset_unique_values",
    "restore_unique_values",
    "start_unique_values_after",
    "unique_values_state",
]
