"""``Factory.coverage()`` (see docs/guides/zero-config.md): a few built instances that, together, show every variation.

Every state is used at least once; every ``Enum`` and boolean column takes each of its values;
every nullable column is None in one instance and set in another (a nullable foreign key
through its relationship: no parent, then a parent). One instance per state comes first, then
as few extra instances as it takes to cover what the states did not.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import Boolean, Enum

from ..autogen.columns import ColumnFacts, ModelSchema, model_schema
from ..autogen.generators import enum_values
from ..autogen.registry import factory_tables, producer
from ..autogen.relationships import default_factory

__all__ = ["build_coverage"]


class _Set:
    """A needed value: "anything but None" (generated when used)."""

    def __repr__(self) -> str:
        return "<set>"


_SET = _Set()


def _column_values(facts: ColumnFacts) -> list[Any]:
    spec = facts.spec
    values: list[Any]
    if isinstance(spec.type, Enum):
        values = enum_values(spec.type)
    elif isinstance(spec.type, Boolean):
        values = [True, False]
    elif spec.nullable:
        values = [_SET]
    else:
        return []
    return [None, *values] if spec.nullable else values


def _needs(schema: ModelSchema, keywords: dict[str, Any]) -> dict[str, list[Any]]:
    """``attribute -> values it must take`` across the returned instances."""
    needs: dict[str, list[Any]] = {}
    parent_keys: set[str] = set()
    for link in schema.relationships.parents:
        columns = [schema.columns.get(key) for key in link.column_keys]
        parent_keys.update(link.column_keys)
        nullable = all(c is not None and c.spec.nullable for c in columns)
        if nullable and link.key not in keywords and not set(link.column_keys) & set(keywords):
            needs[link.key] = [None, _SET]
    for key, facts in schema.columns.items():
        if key in keywords or key in parent_keys or facts.database_filled:
            continue
        values = _column_values(facts)
        if values:
            needs[key] = values
    return needs


def _shown(instances: list[Any], key: str, value: Any) -> bool:
    for instance in instances:
        actual = getattr(instance, key, None)
        if (actual is not None) if value is _SET else (actual is value or (value is not None and actual == value)):
            return True
    return False


def _materialise(factory: Any, schema: ModelSchema, key: str, value: Any) -> Any:
    """A concrete value for ``key``: ``_SET`` becomes a generated value or a built parent."""
    if value is not _SET:
        return value
    for link in schema.relationships.parents:
        if link.key == key:
            return default_factory(link.target, factory).build()
    facts = schema.columns[key]
    spec = dataclasses.replace(facts.spec, unique=(key,) in schema.unique_groups)
    return producer(factory, spec, factory_tables(factory))(factory.__random__)


def build_coverage(factory: Any, keywords: dict[str, Any]) -> list[Any]:
    """The instances of :meth:`ModelFactory.coverage`, built (no database)."""
    instances: list[Any] = [factory.state(name).build(**keywords) for name in factory.state_names()]
    schema = model_schema(factory._meta.model)
    remaining = {
        key: [value for value in values if not _shown(instances, key, value)]
        for key, values in _needs(schema, keywords).items()
    }
    while any(remaining.values()):
        overrides = {
            key: _materialise(factory, schema, key, values.pop(0)) for key, values in remaining.items() if values
        }
        instances.append(factory.build(**{**keywords, **overrides}))
    return instances or [factory.build(**keywords)]
