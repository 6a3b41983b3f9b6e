"""factory_boy's step builder, with asyncfactories' per-instance layering and recycling.

factory_boy builds every instance — top-level, ``SubFactory`` parent or ``RelatedFactory``
child — through a ``StepBuilder``, and nested builders are made with ``self.__class__``. Using
this subclass at the top therefore applies ``defaults()``, states and ``recycle()`` at every depth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factory.builder import StepBuilder

from .. import events
from ..autogen.plan import install_auto_declarations
from ..definition.states import STATES_KEY, layered_params
from .relations import recycled_keywords

__all__ = ["LAYERED_KEY", "LayeredStepBuilder"]

#: Marks extras whose ``defaults()`` and states were applied already (``ModelFactory._generate``);
#: its value names the keywords the call passed (see ``passed_keywords``).
LAYERED_KEY = "_asyncfactories_layered"

_listeners = events.listeners

if TYPE_CHECKING:
    _StepBuilderBase = StepBuilder[Any]
else:
    _StepBuilderBase = StepBuilder


def _is_model_factory(factory: Any) -> bool:
    return callable(getattr(factory, "defaults", None)) and hasattr(factory, "_asyncfactories_model_factory")


class LayeredStepBuilder(_StepBuilderBase):
    """A ``StepBuilder`` that merges ``defaults()`` and states under the given keywords, and
    hands recycled instances to the SubFactories of their model.

    ``passed_keywords`` are the names given from outside the factory's declarations: the
    call's keywords at the top, a ``SubFactory``'s keywords below (read by get-or-create).
    """

    def __init__(self, factory_meta: Any, extras: dict[str, Any], strategy: Any) -> None:
        states: tuple[str, ...] = tuple(extras.pop(STATES_KEY, ()))
        factory = factory_meta.factory
        layered: tuple[str, ...] | None = extras.pop(LAYERED_KEY, None)
        self.passed_keywords: tuple[str, ...] = tuple(extras) if layered is None else layered
        if layered is not None:
            pass
        elif _is_model_factory(factory):
            install_auto_declarations(factory)  # once per class: zero-config values (see docs/guides/zero-config.md)
            extras = layered_params(factory, extras, states)
        extras = recycled_keywords(factory_meta.pre_declarations.declarations, extras)
        super().__init__(factory_meta, extras, strategy)

    def recurse(self, factory_meta: Any, extras: dict[str, Any]) -> Any:
        """factory_boy's way into a ``SubFactory``, ``RelatedFactory`` or automatic parent or child."""
        if _listeners and _is_model_factory(factory_meta.factory):  # not a Dict's or a List's
            return _TracedBuilder(type(self), factory_meta, extras, self.strategy)
        return type(self)(factory_meta, extras, self.strategy)


class _TracedBuilder:
    """While someone listens to events: the nested builder, made and run inside its event's frame
    (so that what its keywords reuse is told as this object's)."""

    def __init__(self, cls: type[LayeredStepBuilder], factory_meta: Any, extras: dict[str, Any], strategy: Any) -> None:
        self.cls, self.factory_meta, self.extras, self.strategy = cls, factory_meta, extras, strategy

    def build(self, parent_step: Any = None, force_sequence: Any = None) -> Any:
        with events.cascading(self.factory_meta.factory):
            return self.cls(self.factory_meta, self.extras, self.strategy).build(parent_step, force_sequence)
