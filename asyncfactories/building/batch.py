"""A batch's objects built by one function compiled per call, for factories built lean.

For each object of ``create_many``, factory_boy's path runs ``_generate`` (``defaults()`` and
states layered in), then the declarations, ``prepare_arguments``, ``instantiate``, ``_create``
and ``_instantiate``, each checking again what the call already settled. Where none of those
hooks is overridden and the factory's build is lean (``fastbuild.py``), ``batch_builder`` works
the call's part out once — the layered keywords, how each declaration gives its value
(``entries.py``), how the model's objects are made (``objects.py``) — and returns a function
that makes one object: its sequence number, its values in factory_boy's order, its
sub-factories' objects at their turn, then the object itself. The values and sequence numbers
are those of the full path (``tests/test_batch_build.py`` compares them); anything it cannot
reproduce returns ``None``, and the call builds as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from factory import enums
from factory.declarations import SKIP

from .. import events
from .._root import root_factory
from ..autogen.plan import install_auto_declarations
from ..definition.call_context import avoids_taken_values
from ..definition.options import ModelFactoryOptions
from ..definition.states import layered_params
from .entries import compile_entries, values_of
from .fastbuild import keeps_defaults, lean_plan, new_step, plain
from .objects import instantiator
from .relations import recycling_active

__all__ = ["batch_builder"]

#: The hooks a factory must inherit unchanged from ``ModelFactory`` (and its ``Meta`` from ours).
_FACTORY_HOOKS = ("_generate", "_generate_planned", "_create", "_instantiate", "_adjust_kwargs")
_OPTIONS_HOOKS = ("instantiate", "prepare_arguments", "next_sequence", "get_model_class")

#: Makes one object, appending it and its sub-factories' objects to the list, in creation order.
MakeOne = Callable[[list[Any]], Any]


def batch_builder(factory: Any, params: dict[str, Any]) -> MakeOne | None:
    """The per-object build of ``factory.create_many(n, **params)``, or None for the full path.

    Only for a call without states, children, recycled parents or event listeners (the caller
    checks its plan; this checks the rest).
    """
    if events.listeners or recycling_active() or factory._meta.abstract:
        return None
    install_auto_declarations(factory)  # as generate() does, before the plan is read
    plan = lean_plan(factory)
    if plan is None or not all(_plain_factory(each) for each in (factory, *plan.subs)):
        return None
    extras = layered_params(factory, dict(params), ())
    if not plain(extras):
        return None
    return _compile(factory, plan, extras, tuple(params))


def _plain_factory(factory: Any) -> bool:
    """Builds as the lean path would, one object at a time, with nothing per object to look up."""
    root = root_factory()
    meta = factory._meta
    if not keeps_defaults(factory) or meta.sqlalchemy_get_or_create or avoids_taken_values(meta):
        return False
    if any(_func(getattr(factory, hook)) is not _func(getattr(root, hook)) for hook in _FACTORY_HOOKS):
        return False
    return all(getattr(type(meta), hook) is getattr(ModelFactoryOptions, hook) for hook in _OPTIONS_HOOKS)


def _func(method: Any) -> Any:
    return getattr(method, "__func__", method)


def _compile(factory: Any, plan: Any, extras: dict[str, Any], passed: tuple[str, ...]) -> MakeOne:
    """One object of ``factory``: ``extras`` win over the declarations, as in ``fastbuild._build``."""
    meta = factory._meta
    compiled = compile_entries(
        plan, extras, lambda name, sub: _compile(sub.factory, sub.plan, sub.keywords, tuple(sub.keywords)), factory
    )
    needs_step = compiled.needs_step
    instantiate = instantiator(meta.get_model_class())

    def make_one(created: list[Any]) -> Any:
        sequence = meta.next_sequence()
        step = new_step(meta, enums.CREATE_STRATEGY, passed, sequence) if needs_step else None
        values = values_of(compiled, sequence, step, _made_by, created)
        instance = instantiate({key: value for key, value in values.items() if value is not SKIP})
        created.append(instance)
        return instance

    return make_one


def _made_by(created: list[Any], make_one: MakeOne) -> Any:
    """A sub-factory entry's value: its object, made now and recorded in ``created``."""
    return make_one(created)
