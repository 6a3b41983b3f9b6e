"""The factory_boy declarations zero-config generation installs.

They have the lowest precedence (see docs/guides/states.md#precedence).

They are ordinary declarations in the factory's parsed declarations, so a class declaration,
``defaults()``, a state or a keyword for the same name simply replaces them.

- ``AutoValue``: a generated column value, passed to the model's constructor.
- ``AutoSetter``: the same for a column the constructor does not take (``init=False``), set
  on the instance right after it is made, unless the constructor already set it.
- ``AutoParent``: a many-to-one parent from the default or an automatic factory, nested no
  deeper than ``Meta.max_depth`` (past it a required parent still comes, from an automatic
  factory; an optional one or a cycle is left empty).
- ``AutoCollection``: ``Meta.set_relationships`` children, linked to the instance.
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import TYPE_CHECKING, Any

from factory.declarations import SKIP, PostGenerationDeclaration, SubFactory

from .. import events
from .._collections import add_member, as_collection
from .._mapping import model_info
from .relationships import (
    CollectionLink,
    ParentLink,
    automatic_factory,
    chain_models,
    default_factory,
    max_depth,
    step_depth,
)

__all__ = ["AutoCollection", "AutoParent", "AutoSetter", "AutoValue"]

_listeners = events.listeners

Producer = Callable[[Random], Any]

if TYPE_CHECKING:
    from factory.declarations import BaseDeclaration

    _Base = BaseDeclaration[Any, Any]
    _PostBase = PostGenerationDeclaration[Any, Any]
    _SubFactoryBase = SubFactory[Any, Any]
else:
    from factory.declarations import BaseDeclaration as _Base

    _PostBase = PostGenerationDeclaration
    _SubFactoryBase = SubFactory


def _random(step: Any) -> Random:
    source: Random = step.builder.factory_meta.factory.__random__
    return source


class AutoValue(_Base):
    """A value from ``produce(random)``, drawn from the factory's seeded ``__random__``."""

    def __init__(self, key: str, produce: Producer) -> None:
        super().__init__()
        self.key = key
        self.produce = produce

    def evaluate_pre(self, instance: Any, step: Any, overrides: dict[str, Any]) -> Any:
        # No context to unroll: skipping factory_boy's generic path saves a few microseconds.
        return self.produce(_random(step))

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:  # pragma: no cover
        return self.produce(_random(step))

    def __repr__(self) -> str:
        return f"AutoValue({self.key!r})"


class AutoSetter(_PostBase):
    """Sets ``key`` on the new instance (a keyword for it is honoured the same way)."""

    def __init__(self, key: str, produce: Producer) -> None:
        super().__init__()
        self.key = key
        self.produce = produce

    def call(self, instance: Any, step: Any, context: Any) -> None:
        if context.value_provided:
            setattr(instance, self.key, context.value)
        elif getattr(instance, self.key, None) is None:
            setattr(instance, self.key, self.produce(_random(step)))

    def __repr__(self) -> str:
        return f"AutoSetter({self.key!r})"


class AutoParent(_SubFactoryBase):
    """A many-to-one parent chosen when built: default factory, automatic factory or none."""

    def __init__(self, link: ParentLink, owner: Any, required: bool) -> None:
        super().__init__(owner)  # placeholder: ``get_factory`` decides per build
        self.link = link
        self.owner = owner
        self.required = required

    def get_factory(self) -> Any:
        return default_factory(self.link.target, self.owner)

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        limit = max_depth(step)
        if step_depth(step) + 1 <= limit:
            chosen = default_factory(self.link.target, self.owner)
        elif not self.required or self.link.target in chain_models(step, limit):
            return SKIP  # too deep, or a cycle of required parents past the limit: leave it empty
        else:
            chosen = automatic_factory(self.link.target, self.owner)
        return _recurse(step, chosen, extra, "parent")

    def __repr__(self) -> str:
        return f"AutoParent({self.link.key!r} -> {self.link.target.__name__})"


class AutoCollection(_PostBase):
    """Fills a collection with ``Meta.min_collection_length`` children (or a random count)."""

    def __init__(self, link: CollectionLink, owner: Any) -> None:
        super().__init__()
        self.link = link
        self.owner = owner

    def call(self, instance: Any, step: Any, context: Any) -> None:
        link = self.link
        if context.value_provided:
            setattr(instance, link.key, context.value)
            return
        if step_depth(step) + 1 > max_depth(step):
            return
        count = self._count(step)
        if not count:
            return
        factory = default_factory(link.target, self.owner)
        children = [_recurse(step, factory, self._link_keywords(instance), "collection") for _ in range(count)]
        rel = model_info(type(instance)).mapper.relationships[link.key]
        for child in children:
            add_member(instance, rel, child)  # a list, set, keyed dict or one-to-one alike

    def _count(self, step: Any) -> int:
        meta = self.owner._meta
        if not self.link.uselist:
            return 1
        low, high = meta.min_collection_length, max(meta.min_collection_length, meta.max_collection_length)
        return _random(step).randint(low, high) if meta.randomize_collection_length else low

    def _link_keywords(self, instance: Any) -> dict[str, Any]:
        if self.link.reverse is not None:
            if not self.link.many_to_many:
                return {self.link.reverse: instance}
            reverse = model_info(self.link.target).mapper.relationships[self.link.reverse]
            return {self.link.reverse: as_collection(reverse, [instance])}
        # No back-reference: leave the child's foreign key (and its parent) unset; appending it
        # to the collection sets the key when flushed.
        return {key: SKIP for key in self.link.child_keys if not key.startswith("?")}

    def __repr__(self) -> str:
        return f"AutoCollection({self.link.key!r} -> {self.link.target.__name__})"


def _recurse(step: Any, factory: Any, extra: dict[str, Any], via: str) -> Any:
    if _listeners:
        events.hint(via)
    return step.recurse(factory, extra)
