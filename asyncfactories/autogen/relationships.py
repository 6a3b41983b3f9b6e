"""Relationships for zero-config factories (see docs/guides/zero-config.md): which exist, and which factory fills them.

A required many-to-one gets the factory registered as default for its target model — the one
with ``Meta.default_for_model = True`` (``__set_as_default_factory_for_type__``), else the only
concrete factory defined for the model (or the one every other factory for it derives from) —
and otherwise an automatic factory, derived from the requesting factory's abstract base so it
shares that base's options. Factories register themselves when their class is defined.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy.orm import Mapper, RelationshipDirection, RelationshipProperty
from sqlalchemy.orm.exc import UnmappedColumnError

from .._root import root_factory
from ..exceptions import FactoryError

if TYPE_CHECKING:
    from ..factory import ModelFactory

__all__ = [
    "AUTOMATIC_FLAG",
    "CollectionLink",
    "ParentLink",
    "RelationshipFacts",
    "automatic_factory",
    "chain_models",
    "default_factory",
    "inspect_relationships",
    "max_depth",
    "register_factory",
    "registered_factory",
    "step_depth",
]

#: Set on the factories this module creates, which never count as "defined for the model".
AUTOMATIC_FLAG = "_asyncfactories_automatic"


@dataclass(frozen=True)
class ParentLink:
    """A many-to-one: ``key`` on the model, its target, and its local foreign-key attributes."""

    key: str
    target: type
    column_keys: tuple[str, ...]


@dataclass(frozen=True)
class CollectionLink:
    """A one-to-many or many-to-many (``uselist=False``: a one-to-one seen from the parent)."""

    key: str
    target: type
    uselist: bool
    many_to_many: bool
    #: The child's relationship back to the owner, if any: a many-to-one (``Post.author`` for
    #: ``User.posts``), or for a many-to-many the other side's collection.
    reverse: str | None
    #: The child's foreign-key attributes pointing at the owner (one-to-many only).
    child_keys: tuple[str, ...]


@dataclass(frozen=True)
class RelationshipFacts:
    parents: tuple[ParentLink, ...]
    collections: tuple[CollectionLink, ...]


def _keys(mapper: Mapper[Any], columns: Any) -> tuple[str, ...]:
    keys: list[str] = []
    for column in columns:
        try:
            keys.append(mapper.get_property_by_column(column).key)
        except UnmappedColumnError:
            keys.append(f"?{column.name}")
    return tuple(keys)


def _reverse(owner: Mapper[Any], rel: RelationshipProperty[Any]) -> str | None:
    """The relationship of ``rel``'s target that points back at ``owner`` through the same keys."""
    many = rel.direction is RelationshipDirection.MANYTOMANY
    remote = set(rel.remote_side)
    for candidate in rel.mapper.relationships:
        if candidate.viewonly or candidate is rel or not issubclass(owner.class_, candidate.mapper.class_):
            continue
        if many and candidate.direction is RelationshipDirection.MANYTOMANY and candidate.secondary is rel.secondary:
            return candidate.key
        to_one = candidate.direction is RelationshipDirection.MANYTOONE
        if not many and to_one and set(candidate.local_columns) == remote:
            return candidate.key
    return None


def inspect_relationships(mapper: Mapper[Any]) -> RelationshipFacts:
    """The writable relationships of ``mapper``, sorted into parents and collections."""
    parents: list[ParentLink] = []
    collections: list[CollectionLink] = []
    for rel in mapper.relationships:
        if rel.viewonly:
            continue
        target = rel.mapper.class_
        if rel.direction is RelationshipDirection.MANYTOONE:
            parents.append(ParentLink(rel.key, target, _keys(mapper, rel.local_columns)))
        else:  # lists, sets, keyed dicts, write-only and dynamic collections alike
            many = rel.direction is RelationshipDirection.MANYTOMANY
            collections.append(
                CollectionLink(
                    key=rel.key,
                    target=target,
                    uselist=bool(rel.uselist),
                    many_to_many=many,
                    reverse=_reverse(mapper, rel),
                    child_keys=() if many else _keys(rel.mapper, rel.remote_side),
                )
            )
    return RelationshipFacts(tuple(parents), tuple(collections))


# ---------------------------------------------------------------------------- factory registry

_lock = threading.Lock()
_defined: weakref.WeakKeyDictionary[type, weakref.WeakSet[type]] = weakref.WeakKeyDictionary()
_defaults: weakref.WeakKeyDictionary[type, weakref.ref[type]] = weakref.WeakKeyDictionary()
_automatic: weakref.WeakKeyDictionary[type, dict[type, type]] = weakref.WeakKeyDictionary()


def register_factory(factory: Any) -> None:
    """Record a concrete factory for its model (called when the class is defined)."""
    meta = factory._meta
    if meta.abstract or meta.model is None or factory.__dict__.get(AUTOMATIC_FLAG):
        return
    with _lock:
        _defined.setdefault(meta.model, weakref.WeakSet()).add(factory)
        if getattr(meta, "default_for_model", False):
            _defaults[meta.model] = weakref.ref(factory)


def registered_factory(model: type) -> type[ModelFactory[Any]] | None:
    """The user's factory for ``model``, if one is marked default or it is unambiguous."""
    with _lock:
        marked = _defaults.get(model)
        chosen = marked() if marked is not None else None
        if chosen is not None:
            return chosen
        candidates = list(_defined.get(model, ()))
    for candidate in candidates:
        if all(issubclass(other, candidate) for other in candidates):
            return candidate
    return None


#: The options an automatic factory takes from the factory that asked for it.
_SHARED_OPTIONS = (
    "auto_fields",
    "fill_optionals",
    "use_defaults",
    "set_relationships",
    "randomize_collection_length",
    "min_collection_length",
    "max_collection_length",
    "max_depth",
    "type_generators",
)


def _abstract_base(requester: Any) -> Any:
    root = root_factory()
    bases: list[Any] = [klass for klass in requester.__mro__ if isinstance(klass, type) and issubclass(klass, root)]
    return next((klass for klass in bases if klass._meta.abstract), root)


def _automatic_attributes(model: type, requester: Any) -> dict[str, Any]:
    shared = {name: getattr(requester._meta, name) for name in _SHARED_OPTIONS if hasattr(requester._meta, name)}
    meta = type("Meta", (), shared)
    attrs: dict[str, Any] = {"__model__": model, AUTOMATIC_FLAG: True, "__module__": __name__, "Meta": meta}
    own = getattr(requester.get_sqlalchemy_types, "__func__", None)
    if own is not getattr(_abstract_base(requester).get_sqlalchemy_types, "__func__", None):
        asking = weakref.ref(requester)  # a strong reference would keep the requester alive
        attrs["get_sqlalchemy_types"] = classmethod(lambda cls: cast(Any, asking()).get_sqlalchemy_types())
    return attrs


def automatic_factory(model: type, requester: Any) -> type[ModelFactory[Any]]:
    """A zero-config factory for ``model``: a subclass of ``requester``'s abstract base (so it
    shares that base's session and options) with ``requester``'s zero-config options (cached)."""
    root = root_factory()
    metaclass = type(root)  # ModelFactoryMeta, which defining a factory class goes through
    with _lock:
        found = _automatic.get(requester, {}).get(model)
    if found is not None:
        return found
    attrs = _automatic_attributes(model, requester)
    name = f"Automatic{model.__name__}Factory"
    try:
        created: type = metaclass(name, (_abstract_base(requester),), attrs)
    except FactoryError:  # the base's own declarations do not fit this model
        created = metaclass(name, (root,), attrs)
    with _lock:
        found = _automatic.setdefault(requester, {}).setdefault(model, created)
    return found


def default_factory(model: type, requester: Any) -> type[ModelFactory[Any]]:
    """The factory that builds a ``model`` parent or child for ``requester`` (see docs/guides/zero-config.md)."""
    return registered_factory(model) or automatic_factory(model, requester)


# ---------------------------------------------------------------------------- nesting

def step_depth(step: Any) -> int:
    """How deep ``step`` is: 0 for the instance the caller asked for, 1 for its parents, ..."""
    depth = 0
    parent = step.parent_step
    while parent is not None:
        depth += 1
        parent = parent.parent_step
    return depth


def max_depth(step: Any) -> int:
    """``Meta.max_depth`` of the factory the caller asked for (the root of the build)."""
    root = step
    while root.parent_step is not None:
        root = root.parent_step
    return int(getattr(root.builder.factory_meta, "max_depth", 2))


def chain_models(step: Any, deeper_than: int) -> list[type]:
    """The models built at the steps from ``step`` up that lie deeper than ``deeper_than``."""
    models: list[type] = []
    depth = step_depth(step)
    current = step
    while current is not None and depth > deeper_than:
        models.append(current.builder.factory_meta.model)
        current = current.parent_step
        depth -= 1
    return models
