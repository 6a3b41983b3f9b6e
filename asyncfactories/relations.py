"""Relationships chosen at call time (SPEC §5.4): ``recycle``, ``has`` and ``for_``."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import RelationshipDirection, RelationshipProperty

from ._mapping import model_info
from .exceptions import ConfigurationError

__all__ = ["ChildSpec", "attach_children", "link_keywords", "recycled_for", "recycling"]

_recycled: ContextVar[list[tuple[Any, Iterator[Any]]] | None] = ContextVar("asyncfactories_recycled", default=None)


@contextlib.contextmanager
def recycling(instances: tuple[Any, ...]) -> Iterator[None]:
    """While active, nested SubFactories of a matching model reuse these instances in turn."""
    if not instances:
        yield
        return
    by_class: dict[type, list[Any]] = {}
    for instance in instances:
        by_class.setdefault(type(instance), []).append(instance)
    pools: list[tuple[Any, Iterator[Any]]] = [(cls, itertools.cycle(found)) for cls, found in by_class.items()]
    token = _recycled.set(pools)
    try:
        yield
    finally:
        _recycled.reset(token)


def recycled_for(model: Any) -> Any | None:
    """The next recycled instance usable where ``model`` is expected, or None."""
    pools = _recycled.get()
    if not pools or not isinstance(model, type):
        return None
    for cls, pool in pools:
        if issubclass(cls, model):
            return next(pool)
    return None


def _relationship_to(
    owner: type, target: type, name: str | None, factory_name: str, call: str
) -> RelationshipProperty[Any]:
    mapper = model_info(owner).mapper
    if name is not None:
        if name not in mapper.relationships:
            valid = ", ".join(sorted(mapper.relationships.keys()))
            raise ConfigurationError(
                f"{factory_name}.{call}: {owner.__name__} has no relationship {name!r}; its relationships: {valid}"
            )
        return mapper.relationships[name]
    found = [rel for rel in mapper.relationships if issubclass(target, rel.mapper.class_)]
    if len(found) != 1:
        names = ", ".join(rel.key for rel in found) or "none"
        raise ConfigurationError(
            f"{factory_name}.{call}: {owner.__name__} has {len(found)} relationships to {target.__name__} "
            f"({names}); name the one to use with relationship='...'"
        )
    return found[0]


def link_keywords(model: type, parent: Any, relationship: str | None, factory_name: str) -> dict[str, Any]:
    """``for_(parent)``: the keyword that links a new ``model`` instance to ``parent``."""
    rel = _relationship_to(model, type(parent), relationship, factory_name, "for_()")
    return {rel.key: [parent] if rel.uselist else parent}


@dataclass(frozen=True)
class ChildSpec:
    """One ``has(factory, n, relationship)`` request."""

    factory: Any
    states: tuple[str, ...]
    count: int
    relationship: str | None


def _reverse_parent_key(parent_rel: RelationshipProperty[Any], child_model: type) -> str | None:
    """The child's many-to-one relationship mirroring ``parent_rel``, if it has one."""
    if parent_rel.direction is not RelationshipDirection.ONETOMANY:
        return None
    for rel in model_info(child_model).mapper.relationships:
        if rel.direction is RelationshipDirection.MANYTOONE and set(rel.local_columns) == set(parent_rel.remote_side):
            return rel.key
    return None


def attach_children(parent: Any, specs: tuple[ChildSpec, ...], strategy: Any, states_key: str) -> None:
    """Build (or create) each spec's children and link them to ``parent``."""
    for spec in specs:
        child_model = spec.factory._meta.model
        rel = _relationship_to(type(parent), child_model, spec.relationship, spec.factory.__name__, "has()")
        reverse = _reverse_parent_key(rel, child_model)
        keywords = {reverse: parent} if reverse else {}
        for _ in range(spec.count):
            child = spec.factory._generate(strategy, {**keywords, states_key: spec.states})
            if reverse:
                continue
            if rel.uselist:
                getattr(parent, rel.key).append(child)
            else:
                setattr(parent, rel.key, child)
