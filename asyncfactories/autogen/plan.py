"""Which fields a factory fills by itself (see docs/guides/zero-config.md), decided once per factory class.

At a factory's first build, ``install_auto_declarations`` inspects its model (``columns.py``),
decides from the ``Meta`` options which columns and relationships it must fill, and adds the
matching declarations *under* the class's own: they stay out of ``_meta.base_declarations``
(which subclasses copy) and are cached in the class's own ``__dict__``. Names the class
declares, ``Params`` entries, ``Meta.exclude`` and renamed names are never generated.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import Any

from factory.builder import parse_declarations
from factory.declarations import PostGenerationDeclaration, Trait
from factory.utils import sort_ordered_objects
from sqlalchemy import Boolean, Enum, Float, Integer, Numeric, String

from .columns import ColumnFacts, ModelSchema, model_schema
from .declarations import AutoCollection, AutoParent, AutoSetter, AutoValue
from .generators import integer_range, numeric_bounds
from .registry import factory_tables, producer

__all__ = ["auto_declarations", "install_auto_declarations"]

_ATTRIBUTE = "_asyncfactories_auto"
_lock = threading.RLock()


@dataclass
class _Plan:
    """What one factory class generates, before it becomes declarations."""

    factory: Any
    schema: ModelSchema
    taken: set[str]
    generated: dict[str, ColumnFacts] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    parents: dict[str, AutoParent] = field(default_factory=dict)
    #: Foreign-key attributes set through a relationship (automatic or declared).
    parent_keys: set[str] = field(default_factory=set)
    unique: set[str] = field(default_factory=set)


def install_auto_declarations(factory: Any) -> dict[str, Any]:
    """Compute ``factory``'s automatic declarations once and merge them under its own."""
    found: dict[str, Any] | None = factory.__dict__.get(_ATTRIBUTE)
    if found is not None:
        return found
    with _lock:
        found = factory.__dict__.get(_ATTRIBUTE)
        if found is None:
            found = _compute(factory) if factory._meta.model is not None else {}
            _install(factory, found)
            setattr(factory, _ATTRIBUTE, found)
    return found


#: The public name for readers (``persisting/eager.py``, tests): computing installs them too.
auto_declarations = install_auto_declarations


def _taken(meta: Any) -> set[str]:
    declared = set(meta.base_declarations) | set(meta.parameters) | set(meta.exclude)
    renamed = {new for old, new in meta.rename.items() if old in declared}
    return declared | renamed


def _compute(factory: Any) -> dict[str, Any]:
    meta = factory._meta
    plan = _Plan(factory=factory, schema=model_schema(meta.model), taken=_taken(meta))
    _choose_columns(plan, meta)
    if meta.auto_fields:
        _choose_parents(plan, meta)
    _choose_unique(plan)
    auto = _column_declarations(plan)
    auto.update(plan.parents)
    if meta.auto_fields and meta.set_relationships:
        for link in plan.schema.relationships.collections:
            if link.key not in plan.taken:
                auto[link.key] = AutoCollection(link, factory)
    return auto


def _choose_columns(plan: _Plan, meta: Any) -> None:
    for key, facts in plan.schema.columns.items():
        if key in plan.taken or facts.database_filled:
            continue
        if facts.python_default and meta.use_defaults:
            has_scalar, value = facts.scalar_default
            if has_scalar and facts.in_constructor:
                plan.defaults[key] = value
            continue
        if facts.foreign or not meta.auto_fields or (facts.spec.nullable and not meta.fill_optionals):
            continue
        plan.generated[key] = facts


def _required(facts: ColumnFacts | None, meta: Any) -> bool:
    if facts is None or facts.spec.nullable or facts.database_filled:
        return False
    return not (facts.python_default and meta.use_defaults)


def _choose_parents(plan: _Plan, meta: Any) -> None:
    links = plan.schema.relationships.parents
    for link in links:
        if link.key in plan.taken:  # a declared relationship sets its foreign keys
            plan.parent_keys |= set(link.column_keys)
    for link in links:
        keys = set(link.column_keys)
        if link.key in plan.taken or keys & (plan.taken | plan.parent_keys):
            continue
        required = any(_required(plan.schema.columns.get(key), meta) for key in link.column_keys)
        if required or meta.fill_optionals:
            plan.parents[link.key] = AutoParent(link, plan.factory, required)
            plan.parent_keys |= keys


def capacity(facts: ColumnFacts) -> int:
    """Roughly how many distinct values the column's type holds (to pick the best carrier)."""
    type_ = facts.spec.type
    if isinstance(type_, Boolean):
        return 2
    if isinstance(type_, Enum):
        return len(list(type_.enums))
    if type(type_).__name__ == "SET":
        return int(2 ** len(tuple(getattr(type_, "values", ()))))
    if isinstance(type_, Numeric) and not isinstance(type_, Float):
        precision, _scale = numeric_bounds(facts.spec)
        return int(10**precision)
    if isinstance(type_, String) and facts.spec.length:
        return int(10 ** min(facts.spec.length, 30))
    if isinstance(type_, Integer):
        low, high = integer_range(type_)
        return high - max(low, 0)
    return 10**30


def _many_valued(facts: ColumnFacts) -> bool:
    """Whether the column's type has room for many distinct values (not a flag or an enum)."""
    return capacity(facts) >= 1000


def _left_empty(plan: _Plan, key: str) -> bool:
    facts = plan.schema.columns.get(key)
    if facts is None or key in plan.generated or key in plan.defaults or facts.database_filled:
        return False
    return facts.spec.nullable and key not in plan.parent_keys


def _choose_unique(plan: _Plan) -> None:
    """Pick, for each unique constraint, one generated column whose values never repeat."""
    columns = plan.schema.columns
    for group in plan.schema.unique_groups:
        if any(key.startswith("?") or key in plan.taken for key in group):
            continue  # the user's declaration (or an unmapped column) decides
        if any(columns[key].self_unique for key in group if key in columns):
            continue
        generated = sorted((key for key in group if key in plan.generated), key=lambda k: -capacity(columns[k]))
        many = [key for key in generated if _many_valued(plan.generated[key])]
        if any(key in plan.unique for key in many):
            continue
        if many:
            plan.unique.add(many[0])
        elif any(_left_empty(plan, key) or key in plan.parent_keys for key in group):
            continue  # NULLs never collide; a new parent per row makes the key distinct
        else:
            _promote_default(plan, group, generated)


def _promote_default(plan: _Plan, group: tuple[str, ...], generated: list[str]) -> None:
    """A unique column whose scalar default would repeat gets generated values instead."""
    defaulted = [key for key in group if key in plan.defaults and key in plan.schema.columns]
    best = max(defaulted, key=lambda key: capacity(plan.schema.columns[key]), default=None)
    if best is not None and (not generated or _many_valued(plan.schema.columns[best])):
        del plan.defaults[best]
        plan.generated[best] = plan.schema.columns[best]
        plan.unique.add(best)
    elif generated:
        plan.unique.add(generated[0])  # few values: in turn, and the database has the last word


def _column_declarations(plan: _Plan) -> dict[str, Any]:
    tables = factory_tables(plan.factory)
    auto: dict[str, Any] = {}
    for key, facts in plan.generated.items():
        spec = dataclasses.replace(facts.spec, unique=True) if key in plan.unique else facts.spec
        produce = producer(plan.factory, spec, tables)
        auto[key] = AutoValue(key, produce) if facts.in_constructor else AutoSetter(key, produce)
    for key, value in plan.defaults.items():
        # A mutable default is copied per instance.
        auto[key] = AutoValue(key, _copier(value)) if isinstance(value, (list, dict, set)) else value
    return auto


def _copier(value: Any) -> Callable[[Random], Any]:
    return lambda random: copy.deepcopy(value)


def _install(factory: Any, auto: dict[str, Any]) -> None:
    """Re-parse the class's declarations on top of ``auto``, as factory_boy parses them."""
    meta = factory._meta
    traited = {key for param in meta.parameters.values() if isinstance(param, Trait) for key in param.overrides}
    merged = {
        key: value
        for key, value in auto.items()
        if not (key in traited and isinstance(value, PostGenerationDeclaration))
    }
    merged.update(meta.base_declarations)
    for name, param in sort_ordered_objects(meta.parameters.items(), getter=lambda item: item[1]):
        merged.update(param.as_declarations(name, merged))
    meta.pre_declarations, meta.post_declarations = parse_declarations(merged)
