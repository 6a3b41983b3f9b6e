"""factory_boy's step builder, with asyncfactories' per-instance layering and recycling.

factory_boy builds every instance — top-level, ``SubFactory`` parent or ``RelatedFactory``
child — through a ``StepBuilder``, and nested builders are made with ``self.__class__``. Using
this subclass at the top therefore applies ``defaults()``, states and ``recycle()`` at every depth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factory.builder import BuildStep, StepBuilder

from .relations import recycled_for
from .states import STATES_KEY, layered_params

__all__ = ["LayeredStepBuilder"]

if TYPE_CHECKING:
    _StepBuilderBase = StepBuilder[Any]
else:
    _StepBuilderBase = StepBuilder


def _is_model_factory(factory: Any) -> bool:
    return callable(getattr(factory, "defaults", None)) and hasattr(factory, "_asyncfactories_model_factory")


class LayeredStepBuilder(_StepBuilderBase):
    """A ``StepBuilder`` that merges ``defaults()`` and states under the given keywords."""

    def __init__(self, factory_meta: Any, extras: dict[str, Any], strategy: Any) -> None:
        states: tuple[str, ...] = tuple(extras.pop(STATES_KEY, ()))
        factory = factory_meta.factory
        if _is_model_factory(factory):
            extras = layered_params(factory, extras, states)
        super().__init__(factory_meta, extras, strategy)

    def build(self, parent_step: BuildStep[Any] | None = None, force_sequence: int | None = None) -> Any:
        """Build one instance, or hand back a recycled one for a nested ``SubFactory``."""
        if parent_step is not None:
            recycled = recycled_for(getattr(self.factory_meta, "model", None))
            if recycled is not None:
                return recycled
        return super().build(parent_step=parent_step, force_sequence=force_sequence)
