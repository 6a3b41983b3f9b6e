"""A leaner build for factories whose declarations need nothing of factory_boy's resolver.

factory_boy builds each instance through a ``StepBuilder`` and a lazy ``Resolver``, so that
declarations may read each other (``LazyAttribute``, ``SelfAttribute``), recurse into other
factories (``SubFactory``) or run after the instance exists (``post_generation``). Most
factories declare none of that: constants, ``Sequence`` (not ``LazyAttributeSequence``, which
reads the object), ``LazyFunction``, ``Faker``, polyfactory's ``Use`` / ``Ignore`` /
``Require`` / ``PostGenerated`` and zero-config values.
For those, each value is evaluated directly and the instance made through factory_boy's own
``prepare_arguments`` and ``instantiate``: the same values, the same sequence numbers, at
about half the cost.

A plain ``SubFactory`` (not ``Dict``, ``List`` or a zero-config parent) to a model factory
whose own build is lean goes the same way, as ``SubFactory.evaluate`` and ``step.recurse``
would: built at that declaration's turn, with the parent's strategy (so a create adds it to
the call, to be written with the rest), the sub-factory's next sequence number and the keywords
its builder would get — the ``SubFactory``'s own, then ``author__x`` lines of the class body,
layered as ``LayeredStepBuilder`` does, then recycled instances. Only a sub-factory that keeps
``ModelFactory.defaults()`` (checked before every build) qualifies: its layered keywords are
then fixed and worked out once. Anything else — at the class, in a sub-factory at any depth, in
the call's keywords (``author__x``, a declaration) — takes the full path for the whole object.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from factory import enums
from factory.base import BaseFactory
from factory.declarations import LazyFunction, Sequence, SubFactory
from factory.faker import Faker

from .. import events
from .._root import root_factory
from ..autogen.declarations import AutoValue
from ..autogen.plan import install_auto_declarations
from ..definition.metaclass import ClassmethodField
from ..definition.states import layered_params
from .declarations import Ignore, PostGenerated, Require, Use
from .relations import recycled_keywords

__all__ = ["BUILD", "EVALUATE", "NOT_BUILT", "fast_generate", "keeps_defaults", "lean_plan", "new_step", "plain"]

#: Returned when the factory or the call needs factory_boy's full build.
NOT_BUILT: Any = object()

#: Declarations whose value needs nothing but the step, by exact type: a subclass may read the
#: object (``LazyAttributeSequence`` is a ``Sequence`` passing it), so it takes the full path.
_EVALUATED = frozenset(
    {Sequence, LazyFunction, Faker, AutoValue, Use, Ignore, Require, PostGenerated, ClassmethodField}
)
_PLAN_ATTRIBUTE = "_asyncfactories_fast_plan"
_listeners = events.listeners
# How a plan entry gives its value: as it is, evaluated, or built by a sub-factory.
_VALUE, _EVALUATE, _BUILD = 0, 1, 2
#: The kinds, for readers of ``lean_plan`` (``entries.py``).
EVALUATE, BUILD = _EVALUATE, _BUILD


@dataclass(frozen=True)
class _Builder:
    factory_meta: Any
    strategy: Any
    #: As ``LayeredStepBuilder.passed_keywords``: the names given from outside the declarations.
    passed_keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Step:
    """What the whitelisted declarations read of factory_boy's ``BuildStep``."""

    builder: _Builder
    sequence: int


@dataclass(frozen=True)
class _Plan:
    #: ``(name, value / declaration / _SubBuild, kind)`` per declaration, in factory_boy's order.
    entries: tuple[tuple[str, Any, int], ...]
    #: The sub-factories built lean, at any depth (checked per build: see ``keeps_defaults``).
    subs: tuple[Any, ...]


@dataclass(frozen=True)
class _SubBuild:
    """A ``SubFactory`` entry: the factory, its plan, and the keywords its builder would get."""

    factory: Any
    plan: _Plan
    keywords: dict[str, Any]


@functools.cache
def _base_defaults() -> Any:
    return getattr(root_factory().defaults, "__func__", None)


def keeps_defaults(factory: Any) -> bool:
    """Whether ``factory.defaults()`` is ``ModelFactory``'s (``{}``): its layered keywords are then fixed."""
    return getattr(factory.defaults, "__func__", None) is _base_defaults()


def _plan(factory: Any) -> _Plan | None:
    """How to build ``factory`` without the resolver, or None for the full path."""
    cached = factory.__dict__.get(_PLAN_ATTRIBUTE, False)
    if cached is not False:
        plan: _Plan | None = cached
        return plan
    setattr(factory, _PLAN_ATTRIBUTE, None)  # a SubFactory cycle back to this class: full path
    plan = _compute_plan(factory)
    setattr(factory, _PLAN_ATTRIBUTE, plan)
    return plan


def lean_plan(factory: Any) -> _Plan | None:
    """The factory's lean plan, or None where it needs factory_boy's full build.

    ``entries`` holds ``(name, value / declaration / sub-build, kind)`` in factory_boy's order;
    a sub-build has ``factory``, ``plan`` and ``keywords``.
    """
    return _plan(factory)


def new_step(meta: Any, strategy: Any, passed: tuple[str, ...] = (), sequence: int | None = None) -> Any:
    """The step a lean build's declarations read: ``sequence``, or the factory's next sequence number."""
    return _Step(_Builder(meta, strategy, passed), meta.next_sequence() if sequence is None else sequence)


def _compute_plan(factory: Any) -> _Plan | None:
    meta = factory._meta
    base_hook = getattr(BaseFactory._after_postgeneration, "__func__", None)
    if getattr(factory._after_postgeneration, "__func__", None) is not base_hook:
        return None  # a hook factory_boy calls after every build
    if meta.exclude or meta.rename or meta.inline_args or meta.parameters or meta.post_declarations.declarations:
        return None
    pre = meta.pre_declarations
    entries: list[tuple[str, Any, int]] = []
    subs: list[Any] = []
    for name in pre.declarations:  # the order factory_boy resolves (and passes) them in
        declaration, context = pre.declarations[name], pre.contexts.get(name) or {}
        if type(declaration) is SubFactory:
            sub = _sub_build(declaration, context)
            if sub is None:
                return None
            entries.append((name, sub, _BUILD))
            subs += [sub.factory, *sub.plan.subs]
            continue
        is_declaration = enums.get_builder_phase(declaration) is not None
        if context or (is_declaration and type(declaration) not in _EVALUATED):
            return None
        if is_declaration and not plain(getattr(declaration, "_defaults", {})):
            return None  # factory_boy would resolve these keywords (of a Faker) with a sub-step
        entries.append((name, declaration, _EVALUATE if is_declaration else _VALUE))
    return _Plan(tuple(entries), tuple(dict.fromkeys(subs)))


def _sub_build(declaration: Any, context: dict[str, Any]) -> _SubBuild | None:
    """What ``SubFactory.evaluate`` and then ``LayeredStepBuilder`` would do, if it can be lean."""
    try:
        sub = declaration.get_factory()
    except Exception:  # a reference that does not resolve: the full path raises it where it did
        return None
    if not getattr(sub, "_asyncfactories_model_factory", False) or sub._meta.abstract:
        return None
    if not keeps_defaults(sub):
        return None  # defaults() runs per instance, at the point the full path calls it
    install_auto_declarations(sub)  # before planning: it adds declarations (LayeredStepBuilder does it too)
    plan = _plan(sub)
    if plan is None:
        return None
    # Without defaults() and Params, layering only adds SKIPs and expands dict keywords: fixed.
    keywords = layered_params(sub, {**declaration._defaults, **context}, ())
    return _SubBuild(sub, plan, keywords) if plain(keywords) else None


def plain(extras: dict[str, Any]) -> bool:
    """Keywords a lean build can take: values, no declarations, no ``author__name``."""
    return all(enums.get_builder_phase(value) is None and "__" not in key for key, value in extras.items())


def fast_generate(factory: Any, strategy: Any, extras: dict[str, Any], passed: tuple[str, ...] = ()) -> Any:
    """Build (or create) one instance without the resolver, or return ``NOT_BUILT``.

    ``extras`` are the call's values already layered (``defaults()``, states, keywords);
    ``passed`` names the call's own keywords.
    """
    plan = _plan(factory)
    if plan is None or not plain(extras):
        return NOT_BUILT
    if plan.subs:  # without them, recycling has nothing to replace
        if not all(keeps_defaults(sub) for sub in plan.subs):
            return NOT_BUILT
        extras = recycled_keywords(factory._meta.pre_declarations.declarations, extras)
    return _build(factory, plan, strategy, extras, passed)


def _build(factory: Any, plan: _Plan, strategy: Any, extras: dict[str, Any], passed: tuple[str, ...]) -> Any:
    meta = factory._meta
    step = _Step(_Builder(meta, strategy, passed), meta.next_sequence())
    values: dict[str, Any] = {}
    for name, entry, kind in plan.entries:
        if name in extras:
            values[name] = extras[name]
        elif kind == _EVALUATE:
            values[name] = entry.evaluate_pre(instance=None, step=step, overrides={})
        elif kind == _BUILD:
            if _listeners:
                with events.cascading(entry.factory, "subfactory"):
                    values[name] = _build_sub(entry, strategy)
            else:
                values[name] = _build_sub(entry, strategy)
        else:
            values[name] = entry
    values.update(extras)
    args, kwargs = meta.prepare_arguments(values)
    return meta.instantiate(step=step, args=args, kwargs=kwargs)


def _build_sub(entry: _SubBuild, strategy: Any) -> Any:
    keywords = recycled_keywords(entry.factory._meta.pre_declarations.declarations, entry.keywords)
    return _build(entry.factory, entry.plan, strategy, keywords, tuple(entry.keywords))
