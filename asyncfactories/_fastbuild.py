"""A leaner build for factories whose declarations need nothing of factory_boy's resolver.

factory_boy builds each instance through a ``StepBuilder`` and a lazy ``Resolver``, so that
declarations may read each other (``LazyAttribute``, ``SelfAttribute``), recurse into other
factories (``SubFactory``) or run after the instance exists (``post_generation``). Most
factories declare none of that: constants, ``Sequence``, ``LazyFunction``, ``Faker``,
polyfactory's ``Use`` / ``Ignore`` / ``Require`` / ``PostGenerated`` and zero-config values.
For those, each value is evaluated directly and the instance made through factory_boy's own
``prepare_arguments`` and ``instantiate``: the same values, the same sequence numbers, at
about half the cost. Anything else, at the class or in a call's keywords, takes the full path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from factory import enums
from factory.base import BaseFactory
from factory.declarations import LazyFunction, Sequence
from factory.faker import Faker

from ._definition import ClassmethodField
from .autogen.declarations import AutoValue
from .declarations import Ignore, PostGenerated, Require, Use

__all__ = ["NOT_BUILT", "fast_generate"]

#: Returned when the factory or the call needs factory_boy's full build.
NOT_BUILT: Any = object()

_EVALUATED = (Sequence, LazyFunction, Faker, AutoValue, Use, Ignore, Require, PostGenerated, ClassmethodField)
_PLAN_ATTRIBUTE = "_asyncfactories_fast_plan"


@dataclass(frozen=True)
class _Builder:
    factory_meta: Any
    strategy: Any


@dataclass(frozen=True)
class _Step:
    """What the whitelisted declarations read of factory_boy's ``BuildStep``."""

    builder: _Builder
    sequence: int


def _plan(factory: Any) -> tuple[tuple[str, Any, bool], ...] | None:
    """``(name, declaration or value, evaluate?)`` per declaration, or None for the full path."""
    cached = factory.__dict__.get(_PLAN_ATTRIBUTE, False)
    if cached is not False:
        plan: tuple[tuple[str, Any, bool], ...] | None = cached
        return plan
    plan = _compute_plan(factory)
    setattr(factory, _PLAN_ATTRIBUTE, plan)
    return plan


def _compute_plan(factory: Any) -> tuple[tuple[str, Any, bool], ...] | None:
    meta = factory._meta
    base_hook = getattr(BaseFactory._after_postgeneration, "__func__", None)
    if getattr(factory._after_postgeneration, "__func__", None) is not base_hook:
        return None  # a hook factory_boy calls after every build
    if meta.exclude or meta.rename or meta.inline_args or meta.parameters or meta.post_declarations.declarations:
        return None
    pre = meta.pre_declarations
    if any(pre.contexts.get(name) for name in pre.declarations):
        return None
    entries = []
    for name in pre.declarations:  # the order factory_boy resolves (and passes) them in
        declaration = pre.declarations[name]
        is_declaration = enums.get_builder_phase(declaration) is not None
        if is_declaration and not isinstance(declaration, _EVALUATED):
            return None
        entries.append((name, declaration, is_declaration))
    return tuple(entries)


def _plain(extras: dict[str, Any]) -> bool:
    return all(enums.get_builder_phase(value) is None and "__" not in key for key, value in extras.items())


def fast_generate(factory: Any, strategy: Any, extras: dict[str, Any]) -> Any:
    """Build (or create) one instance without the resolver, or return ``NOT_BUILT``.

    ``extras`` are the call's values already layered (``defaults()``, states, keywords).
    """
    plan = _plan(factory)
    if plan is None or not _plain(extras):
        return NOT_BUILT
    meta = factory._meta
    step = _Step(_Builder(meta, strategy), meta.next_sequence())
    values: dict[str, Any] = {}
    for name, declaration, is_declaration in plan:
        if name in extras:
            values[name] = extras[name]
        elif is_declaration:
            values[name] = declaration.evaluate_pre(instance=None, step=step, overrides={})
        else:
            values[name] = declaration
    values.update(extras)
    args, kwargs = meta.prepare_arguments(values)
    return meta.instantiate(step=step, args=args, kwargs=kwargs)
