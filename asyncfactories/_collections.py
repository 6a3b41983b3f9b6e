"""Reading and filling a relationship whatever its collection shape, without loading anything.

SQLAlchemy collections need not be lists: ``set``, ``attribute_keyed_dict``,
``column_keyed_dict``, ``keyfunc_mapping`` and custom collection classes each add items their
own way, and ``lazy="dynamic"`` / ``WriteOnlyMapped`` relationships keep no collection at all
(their pending items live in the attribute's history). These helpers hide the difference.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import RelationshipProperty
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.orm.base import PassiveFlag
from sqlalchemy.orm.collections import KeyFuncDict, collection_adapter

__all__ = ["add_member", "as_collection", "is_query_collection", "members"]

#: ``lazy=`` values whose attribute is a query-like object, not a collection held in memory.
_QUERY_COLLECTIONS = ("dynamic", "write_only")


def is_query_collection(rel: RelationshipProperty[Any]) -> bool:
    """Whether ``rel`` is ``lazy="dynamic"`` or ``WriteOnlyMapped``: no in-memory collection."""
    return rel.lazy in _QUERY_COLLECTIONS


def members(instance: Any, rel: RelationshipProperty[Any]) -> list[Any]:
    """The objects ``instance`` holds through ``rel`` now, loading nothing.

    A scalar relationship gives zero or one object; a collection its items (a dict's values);
    a dynamic or write-only relationship the items added to it and not yet flushed.
    """
    value = instance.__dict__.get(rel.key)
    if not value:
        return []
    if is_query_collection(rel):
        # Their __dict__ entry is a flag; the pending items are in the attribute's history.
        return list(get_history(instance, rel.key, PassiveFlag.PASSIVE_NO_INITIALIZE).added)
    if not rel.uselist:
        return [value]
    if isinstance(value, (list, set)):
        return list(value)
    if isinstance(value, dict):  # keyed collections: the children are the values
        return list(value.values())
    adapter = collection_adapter(value)  # a custom collection class: iterate through its adapter
    return list(adapter) if adapter is not None else list(value)


def add_member(instance: Any, rel: RelationshipProperty[Any], child: Any) -> None:
    """Add ``child`` to ``instance``'s relationship ``rel`` the way its collection class adds items.

    A list appends, a set adds, a keyed dict stores the child under the key its key function
    gives (so the key attribute must already be set), a write-only collection records it for
    the next flush; a scalar relationship is simply set.
    """
    if not rel.uselist:
        setattr(instance, rel.key, child)
        return
    collection = getattr(instance, rel.key)
    if is_query_collection(rel):
        adder = getattr(collection, "add", None) or collection.append  # write-only has add(); dynamic, append()
        adder(child)
        return
    if any(member is child for member in members(instance, rel)):
        return  # already there (a backref added it when the child was linked to ``instance``)
    collection_adapter(collection).append_with_event(child)


def as_collection(rel: RelationshipProperty[Any], items: list[Any]) -> Any:
    """``items`` in a container ``rel``'s collection accepts as a value (a keyword or assignment).

    SQLAlchemy takes only a container of its collection's kind: a list for a list, a set for a
    set, a dict keyed as the collection keys it for a keyed dict.
    """
    factory = rel.collection_class
    if factory is None or is_query_collection(rel):
        return list(items)
    empty = factory()
    if isinstance(empty, KeyFuncDict):
        for item in items:
            empty.set(item)
        return empty
    return set(items) if isinstance(empty, set) else list(items)
