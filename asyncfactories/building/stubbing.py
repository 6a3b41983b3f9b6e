"""``build_stubbed()``: built instances with fake, unique primary keys and matching foreign keys.

For unit tests that must not touch a database but read ``user.id`` or ``post.author_id``.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Mapper, RelationshipDirection

from .. import events
from .._collections import members
from .._mapping import model_info

__all__ = ["assign_fake_keys", "collecting_builds", "record_built"]

_FIRST_FAKE_ID = 1001
_fake_ids = itertools.count(_FIRST_FAKE_ID)
_fake_ids_lock = threading.Lock()

_listeners = events.listeners

_built: ContextVar[list[Any] | None] = ContextVar("asyncfactories_built", default=None)


@contextlib.contextmanager
def collecting_builds() -> Iterator[list[Any]]:
    """Collect every instance built (at any depth) during the block."""
    built: list[Any] = []
    token = _built.set(built)
    try:
        yield built
    finally:
        _built.reset(token)


def record_built(instance: Any) -> None:
    """Called by the factory for each built instance."""
    if _listeners:
        events.instantiated(0)
    built = _built.get()
    if built is not None:
        built.append(instance)


def _next_fake_id() -> int:
    with _fake_ids_lock:
        return next(_fake_ids)


def _fake_key(column: ColumnElement[Any]) -> Any:
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = int
    fake = _next_fake_id()
    if python_type is uuid.UUID:
        return uuid.UUID(int=fake)
    if python_type is str:
        return f"stub-{fake}"
    return fake


def _assign_primary_key(instance: Any, mapper: Mapper[Any]) -> None:
    for column in mapper.primary_key:
        key = mapper.get_property_by_column(column).key
        if instance.__dict__.get(key) is None and not column.foreign_keys:
            setattr(instance, key, _fake_key(column))


def _copy_keys(source: Any, source_mapper: Mapper[Any], target: Any, target_mapper: Mapper[Any], pairs: Any) -> None:
    for source_column, target_column in pairs:
        value = getattr(source, source_mapper.get_property_by_column(source_column).key)
        setattr(target, target_mapper.get_property_by_column(target_column).key, value)


def _link_foreign_keys(instance: Any, mapper: Mapper[Any]) -> None:
    for rel in mapper.relationships:
        related = instance.__dict__.get(rel.key)
        if related is None or rel.secondary is not None or rel.viewonly:
            continue
        if rel.direction is RelationshipDirection.MANYTOONE:
            pairs = [(remote, local) for local, remote in rel.local_remote_pairs]
            _copy_keys(related, rel.mapper, instance, mapper, pairs)
        elif rel.direction is RelationshipDirection.ONETOMANY:
            for child in members(instance, rel):
                _copy_keys(instance, mapper, child, rel.mapper, rel.local_remote_pairs)


def assign_fake_keys(instances: list[Any]) -> None:
    """Give every instance a fake unique primary key, then set foreign keys to match."""
    mappers = [model_info(type(instance)).mapper for instance in instances]
    for instance, mapper in zip(instances, mappers, strict=True):
        _assign_primary_key(instance, mapper)
    for instance, mapper in zip(instances, mappers, strict=True):
        _link_foreign_keys(instance, mapper)
    for instance, mapper in zip(instances, mappers, strict=True):
        _assign_primary_key(instance, mapper)
