"""Relationships chosen at call time: ``recycle``, ``has`` and ``for_``.

See docs/guides/states.md#related-objects-at-call-time.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from factory.declarations import SubFactory
from sqlalchemy.orm import RelationshipDirection, RelationshipProperty

from .. import events
from .._collections import add_member, as_collection
from .._mapping import model_info
from ..exceptions import ConfigurationError

__all__ = [
    "AmbientDefault",
    "ChildSpec",
    "attach_children",
    "child_spec",
    "link_keywords",
    "recycled_keywords",
    "recycling",
    "recycling_active",
]

#: ``(class, instances in turn, "recycle" or "default")`` per pool, the first match wins.
_Pool = tuple[Any, Iterator[Any], str]
_recycled: ContextVar[list[_Pool] | None] = ContextVar("asyncfactories_recycled", default=None)
_listeners = events.listeners


@contextlib.contextmanager
def recycling(instances: tuple[Any, ...]) -> Iterator[None]:
    """While active, nested SubFactories of a matching model reuse these instances in turn."""
    if not instances:
        yield
        return
    by_class: dict[type, list[Any]] = {}
    for instance in instances:
        by_class.setdefault(type(instance), []).append(instance)
    pools: list[_Pool] = [(cls, itertools.cycle(found), "recycle") for cls, found in by_class.items()]
    token = _recycled.set(pools + (_recycled.get() or []))  # before the defaults of an enclosing block
    try:
        yield
    finally:
        _recycled.reset(token)


class AmbientDefault:
    """``with UserFactory.default(user):`` / ``async with``: while the block runs, in this task
    (and the tasks it starts), every SubFactory and automatic parent of ``instance``'s model,
    at any depth and in every call, uses ``instance`` instead of creating one.

    A keyword of the call, or ``recycle()``, still wins. Raises ``ConfigurationError`` when
    ``instance`` is not an instance of the factory's model.
    """

    def __init__(self, factory: Any, instance: Any) -> None:
        model = factory._meta.model
        if model is None or not isinstance(instance, model):
            expected = model.__name__ if model is not None else "the factory's model"
            raise ConfigurationError(
                f"{factory.__name__}.default(): {instance!r} ({type(instance).__name__}) is not an instance of "
                f"{expected}; pass one built or loaded before the block"
            )
        self.instance = instance
        self._tokens: list[Any] = []

    def __enter__(self) -> Any:
        pool = (type(self.instance), itertools.repeat(self.instance), "default")
        self._tokens.append(_recycled.set([pool, *(_recycled.get() or [])]))
        return self.instance

    def __exit__(self, *exc_info: object) -> None:
        _recycled.reset(self._tokens.pop())

    async def __aenter__(self) -> Any:
        return self.__enter__()

    async def __aexit__(self, *exc_info: object) -> None:
        self.__exit__(*exc_info)


def _recycled_for(pools: list[_Pool], model: Any) -> tuple[Any, str] | None:
    """The next recycled instance usable where ``model`` is expected and its pool's kind, or None."""
    if not isinstance(model, type):
        return None
    for cls, pool, kind in pools:
        if issubclass(cls, model):
            return next(pool), kind
    return None


def recycling_active() -> bool:
    """Whether a block of this context recycles parents (``recycle=``, ``Factory.default(...)``)."""
    return bool(_recycled.get())


def recycled_keywords(declarations: dict[str, Any], extras: dict[str, Any]) -> dict[str, Any]:
    """``extras``, plus a recycled instance for each SubFactory (declared or passed) of its model.

    Only SubFactories are replaced: a ``RelatedFactory`` still builds its own objects.
    """
    pools = _recycled.get()
    if not pools:
        return extras
    replaced: dict[str, Any] = {}
    for name, declaration in {**declarations, **extras}.items():
        if isinstance(declaration, SubFactory):
            sub = declaration.get_factory()
            found = _recycled_for(pools, getattr(sub._meta, "model", None))
            if found is not None:
                replaced[name] = found[0]
                if _listeners:
                    events.reused(sub, found[1])
    return {**extras, **replaced} if replaced else extras


def _relationships(owner: type, target: type) -> list[RelationshipProperty[Any]]:
    return [rel for rel in model_info(owner).mapper.relationships if issubclass(target, rel.mapper.class_)]


def _ambiguity(owner: type, target: type, found: list[RelationshipProperty[Any]], call: str) -> ConfigurationError:
    names = ", ".join(sorted(rel.key for rel in found))
    return ConfigurationError(
        f"{call}: {owner.__name__} has {len(found)} relationships to {target.__name__} ({names}); "
        f"name the one to use with relationship='...'"
    )


def _relationship_to(owner: type, target: type, name: str | None, call: str) -> RelationshipProperty[Any]:
    """``owner``'s relationship to ``target``: the one named, or the only one."""
    mapper = model_info(owner).mapper
    if name is not None:
        if name not in mapper.relationships:
            valid = ", ".join(sorted(mapper.relationships.keys())) or "none"
            raise ConfigurationError(
                f"{call}: {owner.__name__} has no relationship {name!r}; its relationships: {valid}"
            )
        return mapper.relationships[name]
    found = _relationships(owner, target)
    if len(found) != 1:
        raise _ambiguity(owner, target, found, call)
    return found[0]


def link_keywords(model: type, parent: Any, relationship: str | None, factory_name: str) -> dict[str, Any]:
    """``for_(parent)``: the keyword that links a new ``model`` instance to ``parent``."""
    rel = _relationship_to(model, type(parent), relationship, f"{factory_name}.for_()")
    return {rel.key: as_collection(rel, [parent]) if rel.uselist else parent}


@dataclass(frozen=True)
class ChildSpec:
    """One ``has()`` request, its link resolved when it was made.

    Each child gets the parent as keyword ``child_key`` (the child's relationship to it), or,
    when the child has none, is added to the parent's relationship ``parent_key``.
    """

    factory: Any
    #: The child builder's ``CallPlan`` (states, ``for_`` links, its own ``has`` children).
    plan: Any
    count: int
    child_key: str | None
    parent_key: str | None


def _reverse_parent_key(parent_rel: RelationshipProperty[Any], child_model: type) -> str | None:
    """The child's many-to-one relationship mirroring ``parent_rel``, if it has one."""
    if parent_rel.direction is not RelationshipDirection.ONETOMANY:
        return None
    for rel in model_info(child_model).mapper.relationships:
        if rel.direction is RelationshipDirection.MANYTOONE and set(rel.local_columns) == set(parent_rel.remote_side):
            return rel.key
    return None


def _named_link(parent: type, child: type, name: str, call: str) -> tuple[RelationshipProperty[Any], bool]:
    """The relationship ``name`` between the two models, and whether it is the parent's."""
    choices = {rel.key: (rel, False) for rel in _relationships(child, parent)}
    choices.update({rel.key: (rel, True) for rel in _relationships(parent, child)})
    if name not in choices:
        valid = ", ".join(sorted(choices)) or "none"
        raise ConfigurationError(
            f"{call}: no relationship {name!r} links {parent.__name__} and {child.__name__}; choices: {valid}"
        )
    return choices[name]


def _only_link(parent: type, child: type, call: str) -> tuple[RelationshipProperty[Any], bool]:
    """The one relationship between the two models (the parent's, else the child's), and whose it is."""
    for owner, target, owned in ((parent, child, True), (child, parent, False)):
        found = _relationships(owner, target)
        if len(found) > 1:
            raise _ambiguity(owner, target, found, call)
        if found:
            return found[0], owned
    raise ConfigurationError(
        f"{call}: {parent.__name__} and {child.__name__} have no relationship between them; "
        f"has() links children through one"
    )


def child_spec(parent_factory: Any, child_factory: Any, plan: Any, count: int, relationship: str | None) -> ChildSpec:
    """Resolve ``parent_factory.has(child_factory, count, relationship)``.

    The link is the parent's relationship to the child model or, when the parent has none, the
    child's relationship to the parent (``Comment.author`` without ``User.comments``);
    ``relationship`` may name either. Raises ``ConfigurationError`` naming the choices.
    """
    parent, child = parent_factory._meta.model, child_factory._meta.model
    call = f"{parent_factory.__name__}.has({child_factory.__name__})"
    for factory, model in ((parent_factory, parent), (child_factory, child)):
        if model is None:
            raise ConfigurationError(
                f"{call}: {factory.__name__} is an abstract base factory; has() needs factories with a model"
            )
    if relationship is not None:
        rel, owned = _named_link(parent, child, relationship, call)
    else:
        rel, owned = _only_link(parent, child, call)
    if not owned:
        return ChildSpec(child_factory, plan, count, child_key=rel.key, parent_key=None)
    reverse = _reverse_parent_key(rel, child)
    return ChildSpec(child_factory, plan, count, child_key=reverse, parent_key=None if reverse else rel.key)


def attach_children(parent: Any, specs: tuple[ChildSpec, ...], strategy: Any, states_key: str) -> None:
    """Build (or create) each spec's children, with their own plans, and link them to ``parent``."""
    for spec in specs:
        child_model = spec.factory._meta.model
        keywords = dict(spec.plan.links)
        if spec.child_key is not None:
            keywords.update(link_keywords(child_model, parent, spec.child_key, spec.factory.__name__))
        with recycling(spec.plan.recycled):
            for _ in range(spec.count):
                with events.cascading(spec.factory, "has", spec.plan.states) if _listeners else _NOTHING:
                    child = spec.factory._generate(strategy, {**keywords, states_key: spec.plan.states})
                    attach_children(child, spec.plan.children, strategy, states_key)
                if spec.parent_key is not None:
                    _add_child(parent, spec.parent_key, child)


_NOTHING = contextlib.nullcontext()


def _add_child(parent: Any, key: str, child: Any) -> None:
    add_member(parent, model_info(type(parent)).mapper.relationships[key], child)
