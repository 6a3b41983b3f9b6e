"""What a factory needs to know about its model, read once through SQLAlchemy's inspection API."""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, tuple_
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import NoInspectionAvailable
from sqlalchemy.orm import Mapper, QueryableAttribute, RelationshipDirection, RelationshipProperty

__all__ = [
    "KeywordNames", "ModelInfo", "all_loaded", "backref_names", "has_default_constructor", "is_mapped_class",
    "keys_in", "keyword_names", "model_info",
]  # fmt: skip


def is_mapped_class(candidate: object) -> bool:
    """True if ``candidate`` is a class mapped by SQLAlchemy's ORM."""
    if not isinstance(candidate, type):
        return False
    try:
        return isinstance(sa_inspect(candidate), Mapper)
    except NoInspectionAvailable:
        return False


def keys_in(columns: Sequence[Any], keys: Sequence[tuple[Any, ...]]) -> ColumnElement[bool]:
    """``WHERE`` the key ``columns`` hold one of ``keys`` (``col IN (...)``, or a tuple ``IN``)."""
    if len(columns) == 1:
        return columns[0].in_([key[0] for key in keys])  # type: ignore[no-any-return]  # columns are untyped here
    return tuple_(*columns).in_(keys)


@dataclass(frozen=True)
class ModelInfo:
    """Names and relationships of one mapped class."""

    mapper: Mapper[Any]
    field_names: frozenset[str]
    column_keys: frozenset[str]
    collections: tuple[str, ...]
    #: ``(relationship key, keys of its local foreign-key columns)`` for each many-to-one.
    parents: tuple[tuple[str, frozenset[str]], ...] = ()
    #: Mapped attributes the model's own ``__init__`` requires (no default), in parameter order:
    #: a ``MappedAsDataclass`` field without a default, or a custom constructor's parameter.
    required_arguments: tuple[str, ...] = ()


def _original_init(mapper: Mapper[Any]) -> Callable[..., None] | None:
    """The model's own ``__init__``, behind the wrapper SQLAlchemy installs on each mapped class."""
    init = mapper.class_manager.original_init
    for ancestor in mapper.iterate_to_root():  # a mapped subclass wraps its parent's wrapper
        if init is ancestor.class_manager.new_init:
            init = ancestor.class_manager.original_init
    return init


def all_loaded(state: Any) -> bool:
    """Every mapped attribute of the object is in its ``__dict__``: nothing unloaded or expired.

    One set test in C, where ``InstanceState.unloaded`` builds two sets per object.
    """
    return bool(state.manager.keys() <= state.dict.keys())


def has_default_constructor(mapper: Mapper[Any]) -> bool:
    """The model's ``__init__`` is the registry's own (keywords set as attributes), not a custom one."""
    return _original_init(mapper) is mapper.registry.constructor


def _constructor_arguments(mapper: Mapper[Any]) -> tuple[set[str], bool]:
    """Keyword names a custom ``__init__`` takes, and whether it takes ``**kwargs``.

    ``**kwargs`` is read as forwarding to SQLAlchemy's constructor (``def __init__(self,
    password=None, **kwargs): super().__init__(**kwargs)``), which accepts mapped names only.
    """
    init = _original_init(mapper)
    # The registry's default constructor takes **kwargs but accepts only mapped names. SQLAlchemy
    # renames it "__init__", so it is recognised by identity, not by name.
    if init is None or init is mapper.registry.constructor:
        return set(), False
    try:
        parameters = inspect.signature(init).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return set(), True
    names = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters)
    return names - {"self"}, takes_any


def _required_arguments(mapper: Mapper[Any]) -> tuple[str, ...]:
    """The mapped attributes the model's own ``__init__`` cannot do without, in order."""
    init = _original_init(mapper)
    if init is None or init is mapper.registry.constructor:
        return ()
    try:
        parameters = list(inspect.signature(init).parameters.values())[1:]  # without self
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return ()
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return tuple(p.name for p in parameters if p.kind in kinds and p.default is p.empty and p.name in mapper.attrs)


@dataclass(frozen=True)
class KeywordNames:
    """What ``model(**kwargs)`` accepts, as far as is known without configuring the mappers.

    A constructor's ``**kwargs`` adds nothing: it is taken to forward to the mapped attributes.
    """

    names: frozenset[str]
    #: Whether the mappers were configured: until then a backref may still add a name.
    final: bool


def keyword_names(model: type) -> KeywordNames:
    """The model's mapped attributes and constructor arguments, read without configuring mappers.

    Safe while a factory class is being defined: configuring then, before a related model is
    imported, would fail and leave SQLAlchemy's mappers unusable for the whole process.
    """
    mapper: Mapper[Any] = sa_inspect(model)
    descriptors = set(mapper.all_orm_descriptors.keys()) - {"__mapper__"}
    init_names, _ = _constructor_arguments(mapper)
    return KeywordNames(frozenset(descriptors | init_names), mapper.configured)


def backref_names(model: type) -> frozenset[str]:
    """Names the ``backref=`` of any relationship in ``model``'s registry adds when configured."""
    names: set[str] = set()
    model_mapper: Mapper[Any] = sa_inspect(model)
    for mapper in model_mapper.registry.mappers:
        for descriptor in mapper.all_orm_descriptors.values():
            if not isinstance(descriptor, QueryableAttribute):
                continue
            prop = descriptor.comparator.prop  # the declared property: reading it configures nothing
            if isinstance(prop, RelationshipProperty) and prop.backref:
                names.add(prop.backref if isinstance(prop.backref, str) else prop.backref[0])
    return frozenset(names)


#: Weak keys: a model created at run time (tests, dynamic schemas) is not kept alive by the cache.
_cache: weakref.WeakKeyDictionary[type, ModelInfo] = weakref.WeakKeyDictionary()


def model_info(model: type) -> ModelInfo:
    """Inspect ``model`` once (this configures the mappers, so call it lazily)."""
    info = _cache.get(model)
    if info is None:
        info = _cache[model] = _inspect_model(model)
    return info


def _inspect_model(model: type) -> ModelInfo:
    mapper: Mapper[Any] = sa_inspect(model)
    descriptors = set(mapper.all_orm_descriptors.keys()) - {"__mapper__"}
    names = set(mapper.attrs.keys()) | descriptors
    init_names, _ = _constructor_arguments(mapper)
    collections = tuple(
        rel.key
        for rel in mapper.relationships
        if isinstance(rel, RelationshipProperty)
        and rel.uselist
        and rel.lazy not in ("dynamic", "write_only")
    )
    parents = tuple(
        (rel.key, frozenset(mapper.get_property_by_column(column).key for column in rel.local_columns))
        for rel in mapper.relationships
        if rel.direction is RelationshipDirection.MANYTOONE
    )
    return ModelInfo(
        parents=parents,
        mapper=mapper,
        field_names=frozenset(names | init_names),
        column_keys=frozenset(mapper.column_attrs.keys()),
        collections=collections,
        required_arguments=_required_arguments(mapper),
    )
