"""One object from a factory: the checks of a call, the layered build, the call's plan.

``ModelFactory``'s building classmethods are thin: they hand the class to these functions.
``generate`` is factory_boy's ``_generate`` hook (called for every object, SubFactory parents
included); ``generate_planned`` adds a builder's states and children to the top object.
"""

from __future__ import annotations

from typing import Any

from factory.builder import BuildStep, parse_declarations

from .. import events
from .._mapping import model_info
from ..autogen.plan import install_auto_declarations
from ..definition import model_check
from ..definition.states import STATES_KEY, layered_params
from ..exceptions import ConfigurationError
from .batch import batch_builder
from .errors import translated
from .fastbuild import NOT_BUILT, fast_generate
from .input_checks import check_cycles, check_relationship_keywords
from .plan import CallPlan
from .relations import attach_children, recycling
from .steps import LAYERED_KEY, LayeredStepBuilder

__all__ = [
    "abstract_factory_error",
    "attributes",
    "build_call",
    "check_size",
    "create_many_lean",
    "generate",
    "generate_planned",
    "label",
    "prepare",
]

_listeners = events.listeners


def abstract_factory_error(factory: Any) -> ConfigurationError:
    # Only a base still generic in its model (``Base(ModelFactory[T])``) can be subscripted.
    generic = bool(getattr(factory, "__parameters__", ()))
    example = f"{factory.__name__}[User]): ..." if generic else f"{factory.__name__}): __model__ = User"
    return ConfigurationError(
        f"{factory.__name__} is an abstract base factory and cannot build; subclass it with a "
        f"model, e.g. class UserFactory({example}"
    )


def generate(factory: Any, strategy: str, params: dict[str, Any]) -> Any:
    """factory_boy's ``_generate``: ``defaults()`` and states layered in, the lean path first."""
    if factory._meta.abstract:
        raise abstract_factory_error(factory)
    keywords = dict(params)
    states = tuple(keywords.pop(STATES_KEY, ()))
    install_auto_declarations(factory)  # once per class: zero-config values (see docs/guides/zero-config.md)
    extras = layered_params(factory, keywords, states)
    built = fast_generate(factory, strategy, extras, tuple(keywords))
    if built is NOT_BUILT:
        built = LayeredStepBuilder(factory._meta, {**extras, LAYERED_KEY: tuple(keywords)}, strategy).build()
    return built


def check_size(factory: Any, call: str, size: object) -> int:
    """``size`` if it is a non-negative int; else ``ValueError`` naming the call."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError(f"{factory.__name__}.{call}(): the count must be a non-negative int, got {size!r}")
    return size


def prepare(factory: Any, kwargs: dict[str, Any], plan: CallPlan) -> dict[str, Any]:
    """Check the keywords; return factory_boy extras carrying the plan's links."""
    if factory._meta.abstract:
        raise abstract_factory_error(factory)
    model_check.check_keywords(factory, kwargs)
    check_relationship_keywords(factory, kwargs)
    params = {**plan.links, **kwargs}
    check_cycles(factory, params, plan.recycled)
    return params


def generate_planned(factory: Any, strategy: str, params: dict[str, Any], plan: CallPlan) -> Any:
    """One top object with the plan's states and children; a declaration's error names its field."""
    if _listeners:
        events.object_begins()
    try:
        instance = factory._generate(strategy, {**params, STATES_KEY: plan.states})
        if plan.children:
            attach_children(instance, plan.children, strategy, STATES_KEY)
    except (StopIteration, AttributeError) as error:
        replacement = translated(error)  # naming the factory and the field being evaluated
        if replacement is None:
            raise
        raise replacement from error
    return instance


def create_many_lean(factory: Any, count: int, params: dict[str, Any], plan: CallPlan, created: list[Any]
                     ) -> list[Any] | None:
    """``count`` top objects of a deferred batch made by ``batch.py``'s compiled build, each
    object it makes appended to ``created``; None, having made nothing, where the call needs
    the full path (states, children, a factory or declaration it cannot reproduce)."""
    if plan.states or plan.children:
        return None
    make_one = batch_builder(factory, params)
    if make_one is None:
        return None
    # No error to translate as generate_planned does: those come from factory_boy's resolver,
    # and the declarations that use it are never built here.
    return [make_one(created) for _ in range(count)]


def build_call(factory: Any, call: str, size: object, kwargs: dict[str, Any], plan: CallPlan, *, batch: bool
               ) -> list[Any]:
    """``build`` / ``build_batch`` and their aliases: the instances, none written."""
    count = factory._check_size(call, size) if batch else 1
    params = factory._prepare(kwargs, plan)
    if _listeners:
        action = "stub" if call == "build_stubbed" else "build"
        with events.calling(factory, action, plan.states, count):
            return _build_all(factory, count, params, plan)
    return _build_all(factory, count, params, plan)


def _build_all(factory: Any, count: int, params: dict[str, Any], plan: CallPlan) -> list[Any]:
    with recycling(plan.recycled):
        return [factory._generate_planned("build", dict(params), plan) for _ in range(count)]


def attributes(factory: Any, params: dict[str, Any], plan: CallPlan) -> dict[str, Any]:
    """The column values ``build`` would pass to the model (no hooks, no relationships)."""
    step_builder = LayeredStepBuilder(factory._meta, {**params, STATES_KEY: plan.states}, "build")
    pre, _post = parse_declarations(
        step_builder.extras,
        base_pre=factory._meta.pre_declarations,
        base_post=factory._meta.post_declarations,
    )
    step = BuildStep(builder=step_builder, sequence=factory._meta.next_sequence())
    with recycling(plan.recycled):
        step.resolve(pre)
    _args, values = factory._meta.prepare_arguments(step.attributes)
    columns = model_info(factory._meta.model).column_keys
    return {key: value for key, value in values.items() if key in columns}


def label(factory: Any, call: str, size: int | None, kwargs: dict[str, Any], plan: CallPlan) -> str:
    """``UserFactory.state('admin').create_many(3, name='Ada')``: the call, for error notes."""
    shown = [str(size)] if size is not None else []
    shown += [f"{key}={value!r}" for key, value in kwargs.items()]
    states = f".state({', '.join(repr(name) for name in plan.states)})" if plan.states else ""
    return f"{factory.__name__}{states}.{call}({', '.join(shown)})"
