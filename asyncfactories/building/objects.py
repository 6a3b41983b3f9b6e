"""A batch's new objects, made as the model's constructor and the attribute events would leave them.

``ModelFactory._instantiate`` calls the model with its keywords, then gives each unloaded
collection an empty list. Every keyword then runs SQLAlchemy's set event; a many-to-one parent
also runs its backref, which appends the object to the parent's collection through the append
event. Where nothing but SQLAlchemy's own listeners would hear those events — no validator, no
``set``/``append``/``init`` listener, the registry's own constructor — ``instantiator`` makes
the same object with fewer steps:

* the object comes from ``ClassManager.new_instance`` (as loading a row makes it), the mapper's
  own ``init`` listener having nothing to do for a configured, non-polymorphic mapper;
* a column's value is written into ``__dict__``, as loading writes it (a column's set event only
  records the attribute as changed, which a new object's INSERT does not read);
* a parent the batch has just made is written into ``__dict__`` and the object appended to the
  parent's collection without events, each side's history then recorded by the call the events
  end with (``InstanceState._modified_event``), and the parent's "has parent" flag set where
  SQLAlchemy tracks it — so a flush through the unit of work still sees a new parent to link;
* an empty collection is made as the first read of it would make it.

``tests/test_object_build.py`` compares the objects, their history and their parents' collections
with those the constructor makes. A keyword this cannot write so goes through the constructor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from sqlalchemy.orm import Mapper, RelationshipDirection, configure_mappers
from sqlalchemy.orm.attributes import init_collection, instance_state
from sqlalchemy.orm.base import NO_VALUE

from .._mapping import has_default_constructor, model_info
from .constructor import construct

__all__ = ["Instantiate", "instantiator"]

#: Makes one object of the model from its keywords (``SKIP`` already left out).
Instantiate = Callable[[dict[str, Any]], Any]

#: SQLAlchemy's own listeners, by module and function name (SQLAlchemy 2.0 and 2.1 name the
#: functions that register them ``track_cascade_events`` / ``_track_cascade_events`` and
#: ``backref_listeners`` / ``_backref_listeners``, the listeners themselves alike).
_CASCADE, _BACKREF = "sqlalchemy.orm.unitofwork", "sqlalchemy.orm.attributes"
_OWN_SET = {(_CASCADE, "set_"), (_BACKREF, "emit_backref_from_scalar_set_event")}
_OWN_APPEND = {(_CASCADE, "append"), (_BACKREF, "emit_backref_from_collection_append_event")}


def _only_own(listeners: Iterable[Any], own: set[tuple[str, str]]) -> bool:
    """Every listener is one of SQLAlchemy's own: cascades into a session, backrefs."""
    return all((fn.__module__, fn.__qualname__.rpartition(".")[2]) in own for fn in listeners)


class _Parent(NamedTuple):
    """A many-to-one relationship whose set event only SQLAlchemy's own listeners hear."""

    key: str
    impl: Any
    #: The parent's class, and its collection that holds the child back (None: no backref).
    parent_class: type[Any]
    backref: str | None
    backref_impl: Any

    def write(self, instance: Any, state_dict: dict[str, Any], value: Any) -> None:
        """``instance.<key> = value``, as its events would leave both objects."""
        parent_state = instance_state(value) if type(value) is self.parent_class else None
        if parent_state is None or not self._fresh(parent_state, value.__dict__):
            setattr(instance, self.key, value)  # not one of the batch's new parents: the events run
            return
        state = instance_state(instance)
        state_dict[self.key] = value
        state._modified_event(state_dict, self.impl, NO_VALUE)
        if self.backref is not None:
            parent_dict = value.__dict__
            # Before the append, as the event runs: the history keeps a copy of the collection.
            parent_state._modified_event(parent_dict, self.backref_impl, NO_VALUE, True)
            parent_dict[self.backref]._sa_adapter.append_without_event(instance)
            if self.backref_impl.trackparent:
                self.backref_impl.sethasparent(state, parent_state, True)

    def _fresh(self, parent_state: Any, parent_dict: dict[str, Any]) -> bool:
        """A new object in no session, whose collection (if any) is already made."""
        if parent_state.key is not None or parent_state.session_id is not None:
            return False
        return self.backref is None or self.backref in parent_dict


def _parents(mapper: Mapper[Any]) -> dict[str, _Parent]:
    """The many-to-one relationships ``_Parent.write`` can set, by key."""
    parents = {}
    manager = mapper.class_manager
    for rel in mapper.relationships:
        if rel.direction is not RelationshipDirection.MANYTOONE or rel.uselist or rel.secondary is not None:
            continue
        impl = manager[rel.key].impl
        if impl.trackparent or impl.active_history or not _only_own(impl.dispatch.set, _OWN_SET):
            continue
        plain, backref = _backref(rel, impl.dispatch.set)
        if not plain:
            continue
        backref_impl = rel.mapper.class_manager[backref].impl if backref else None
        parents[rel.key] = _Parent(rel.key, impl, rel.mapper.class_, backref, backref_impl)
    return parents


def _backref(rel: Any, set_listeners: Iterable[Any]) -> tuple[bool, str | None]:
    """Whether the relationship's backref (if any) appends the child to a plain list-like
    collection of the parent's that only SQLAlchemy listens to, and that collection's key."""
    if not any(fn.__qualname__.endswith("emit_backref_from_scalar_set_event") for fn in set_listeners):
        return True, None
    reverse = list(rel._reverse_property)  # private: the relationships back_populates / backref link
    if len(reverse) != 1 or not reverse[0].uselist or reverse[0].mapper is not rel.parent:
        return False, None
    impl = rel.mapper.class_manager[reverse[0].key].impl
    if not impl.collection or getattr(impl, "dynamic", False) or not _only_own(impl.dispatch.append, _OWN_APPEND):
        return False, None
    return True, str(reverse[0].key)


class _Split(NamedTuple):
    """Where each keyword of one set of keywords goes."""

    through: tuple[str, ...]  # the constructor's keywords
    direct: tuple[str, ...]  # written into ``__dict__``
    parents: tuple[_Parent, ...]  # written by ``_Parent.write``


def _split(keys: tuple[str, ...], direct: frozenset[str], parents: dict[str, _Parent]) -> _Split:
    """The constructor takes every keyword but the columns nothing listens to, unless the other
    keywords are all parents ``_Parent.write`` can set: it would set them in their events' order."""
    others = tuple(key for key in keys if key not in direct)
    in_dict = tuple(key for key in keys if key in direct)
    if all(key in parents for key in others):
        return _Split((), in_dict, tuple(parents[key] for key in others))
    return _Split(others, in_dict, ())


def instantiator(model: type[Any]) -> Instantiate:
    """``ModelFactory._instantiate`` for ``model``: the object, then its empty collections."""
    info = model_info(model)
    mapper = info.mapper
    direct = _direct_keys(mapper)
    if not direct:
        return _constructed(model)
    parents, manager = _parents(mapper), mapper.class_manager
    collections: tuple[tuple[str, Any], ...] = tuple((key, manager[key].impl) for key in info.collections)
    # The mapper's init listener sets a polymorphic identity, if it has one: then it must run.
    new_instance = manager.new_instance if mapper._set_polymorphic_identity is None else None
    splits: dict[tuple[str, ...], _Split] = {}

    def instantiate(kwargs: dict[str, Any]) -> Any:
        keys = tuple(kwargs)
        split = splits.get(keys) or splits.setdefault(keys, _split(keys, direct, parents))
        if split.through or new_instance is None:
            instance = model(**{key: kwargs[key] for key in split.through})
        else:
            instance = new_instance()
        state, state_dict = instance_state(instance), instance.__dict__
        if split.direct:
            state.modified = True  # what the set events leave, bar the history of a new object
            for key in split.direct:
                state_dict[key] = kwargs[key]
        for parent in split.parents:
            parent.write(instance, state_dict, kwargs[parent.key])
        for key, impl in collections:
            if key not in state_dict:  # private: the step ``init_collection`` takes to make it
                state_dict[key] = impl._initialize_collection(state)[1]
        return instance

    return instantiate


def _constructed(model: type[Any]) -> Instantiate:
    """The model's own constructor with every keyword, then ``init_collection``."""
    info = model_info(model)
    collections = info.collections

    def instantiate(kwargs: dict[str, Any]) -> Any:
        instance = construct(model, (), kwargs) if info.required_arguments else model(**kwargs)
        state_dict = instance.__dict__
        for key in collections:
            if key not in state_dict:
                init_collection(instance, key)
        return instance

    return instantiate


def _direct_keys(mapper: Mapper[Any]) -> frozenset[str]:
    """Columns the registry's constructor would set with nothing listening: written straight
    into the new object's ``__dict__``, as loading a row does, instead of through a set event
    each. Nothing where the model has its own ``__init__`` or an ``init`` listener, which would see
    the keywords; a column with a validator or a ``set`` listener goes through the constructor.
    """
    if not mapper.configured:
        configure_mappers()  # validators and backrefs are installed on the attributes here
    manager = mapper.class_manager
    if not has_default_constructor(mapper) or len(manager.dispatch.init) != 1:  # 1: the mapper's own
        return frozenset()
    return frozenset(prop.key for prop in mapper.column_attrs if not manager[prop.key].dispatch.set)
