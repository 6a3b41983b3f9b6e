"""Bad input caught where it is made, before it fails deep inside factory_boy or SQLAlchemy.

- a relationship keyword of the wrong type (``author="bob"``, ``author=<a Post>``);
- ``recycle()`` given something that is not a model instance;
- SubFactory / RelatedFactory links that never end (``SubFactory`` cycles), which factory_boy
  would follow until ``RecursionError``.

Each raises ``ConfigurationError`` naming the factory, the wrong thing and the fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from factory.declarations import BaseDeclaration, Parameter, RelatedFactory, SubFactory
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import InstanceState, RelationshipProperty

from .._mapping import model_info
from ..definition.model_check import model_factory_of
from ..exceptions import ConfigurationError

__all__ = ["check_cycles", "check_recycled", "check_relationship_keywords"]

_CHAIN = "__"
_NO_CYCLE = "_asyncfactories_no_cycle"


# ----------------------------------------------------------------- relationship keywords


#: Values a relationship keyword may take besides instances: declarations, and a dict of
#: overrides for the field's SubFactory (polyfactory's ``author={"name": "Ada"}``).
_PASSED_ON = (BaseDeclaration, Parameter, dict)


def check_relationship_keywords(factory: Any, keywords: dict[str, Any]) -> None:
    """Raise ``ConfigurationError`` for a call keyword that sets a relationship to a value of
    the wrong type (``None``, declarations and dicts of overrides pass)."""
    meta = factory._meta
    if meta.abstract or not keywords:
        return
    relationships = model_info(meta.model).mapper.relationships
    for name, value in keywords.items():
        key = meta.rename.get(name, name)
        if key not in relationships or value is None or isinstance(value, _PASSED_ON):
            continue
        relationship = relationships[key]
        expected = relationship.mapper.class_
        if relationship.uselist:
            wrong = _wrong_member(value, expected)
            if wrong is not None:
                raise _wrong_type(factory, name, relationship, f"a list of {expected.__name__} instances", wrong)
        elif not isinstance(value, expected):
            raise _wrong_type(factory, name, relationship, f"a {expected.__name__} instance (or None)", value)


def _wrong_member(value: Any, expected: type) -> Any:
    """The value (or the first member of it) that a collection of ``expected`` cannot hold."""
    if isinstance(value, (expected, str, bytes)):
        return value
    if not isinstance(value, (list, tuple, set, frozenset)):
        return None  # another iterable: reading it here would use it up
    return next((member for member in value if not isinstance(member, (expected, *_PASSED_ON))), None)


def _wrong_type(
    factory: Any, name: str, relationship: RelationshipProperty[Any], takes: str, got: Any
) -> ConfigurationError:
    model = factory._meta.model.__name__
    target = relationship.mapper.class_.__name__
    columns = [column.key for column in relationship.local_columns if column.foreign_keys]
    instead = f", or set {columns[0]}=<its key>" if columns and not relationship.uselist else ""
    example = f"[await {target}Factory.create()]" if relationship.uselist else f"await {target}Factory.create()"
    return ConfigurationError(
        f"{factory.__name__}: keyword {name!r} sets the relationship {model}.{relationship.key}, which "
        f"takes {takes}; got {got!r} ({type(got).__name__}); pass {target} objects built or loaded "
        f"before the call, e.g. {name}={example}{instead}"
    )


# ----------------------------------------------------------------- recycle()


def check_recycled(factory: Any, instances: tuple[Any, ...]) -> None:
    """Raise ``ConfigurationError`` for anything given to ``recycle()`` that is no model instance."""
    for instance in instances:
        if not isinstance(sa_inspect(instance, raiseerr=False), InstanceState):
            raise ConfigurationError(
                f"{factory.__name__}.recycle(): {instance!r} ({type(instance).__name__}) is not an "
                f"instance of a mapped model; pass objects built or loaded before the call, e.g. "
                f"{factory.__name__}.recycle(await UserFactory.create())"
            )


# ----------------------------------------------------------------- SubFactory cycles


class _Link(NamedTuple):
    """One declaration that builds another factory's object: ``owner.field`` → ``target``."""

    owner: Any
    field: str
    target: Any
    #: The names the link sets on the target's object (its keywords, ``field__x`` lines, the
    #: related name of a ``RelatedFactory``): those declarations of the target do not run.
    overrides: frozenset[str]
    related: bool


def check_cycles(factory: Any, keywords: dict[str, Any], recycled: tuple[Any, ...]) -> None:
    """Raise ``ConfigurationError`` if building ``factory`` would build objects forever.

    Checked on first use, not when the class is defined: a cycle always has a link given as an
    import path (the class it names did not exist yet), which may not be importable before.
    The verdict for a call without keywords is kept on the class; only a cycle is looked at
    again with the call's keywords and ``recycle()`` instances, which may stop it.
    """
    if factory.__dict__.get(_NO_CYCLE) or factory._meta.abstract:
        return
    cycle = _find_cycle(factory, frozenset(), [], set())
    if cycle is None:
        setattr(factory, _NO_CYCLE, True)
        return
    if keywords:
        cycle = _find_cycle(factory, frozenset(keywords), [], set())
    stopped = {type(instance) for instance in recycled}
    if cycle is None or any(issubclass(model, link.target._meta.model) for link in cycle for model in stopped):
        return  # the call sets a field of the cycle, or recycle() puts an existing object there
    raise _cycle_error(factory, cycle)


def _find_cycle(factory: Any, overrides: frozenset[str], path: list[_Link], seen: set[Any]) -> list[_Link] | None:
    """The links of a cycle reachable from ``factory``, or None; ``seen`` holds dead ends."""
    for link in _links(factory, overrides):
        state = (link.target, link.overrides)
        if any((step.target, step.overrides) == state for step in path):
            start = next(index for index, step in enumerate(path) if (step.target, step.overrides) == state)
            return [*path[start + 1 :], link]
        if state in seen:
            continue
        found = _find_cycle(link.target, link.overrides, [*path, link], seen)
        if found is not None:
            return found
        seen.add(state)
    return None


def _links(factory: Any, overrides: frozenset[str]) -> Iterator[_Link]:
    """The unconditional SubFactory / RelatedFactory declarations of ``factory`` still in force."""
    meta = factory._meta
    for declarations in (meta.pre_declarations, meta.post_declarations):
        for name, declaration in declarations.declarations.items():
            if name in overrides or name in meta.parameters:
                continue
            target = _target(declaration)
            if target is None:
                continue
            given = set(declarations.contexts.get(name, {}))
            given |= {rest for key in overrides if key.startswith(name + _CHAIN) for rest in [key[len(name) + 2 :]]}
            if isinstance(declaration, RelatedFactory):
                given |= set(declaration.defaults) | ({declaration.name} if declaration.name else set())
            else:
                given |= set(declaration._defaults)
            yield _Link(factory, name, target, frozenset(given), isinstance(declaration, RelatedFactory))


def _target(declaration: Any) -> Any:
    """The model factory a SubFactory / RelatedFactory builds, if it builds one."""
    return model_factory_of(declaration) if isinstance(declaration, (SubFactory, RelatedFactory)) else None


def _cycle_error(factory: Any, cycle: list[_Link]) -> ConfigurationError:
    starts = [index for index, link in enumerate(cycle) if link.owner is factory]
    if starts:  # shown from the factory called, when it is part of the cycle
        cycle = cycle[starts[0] :] + cycle[: starts[0]]
    shown = " → ".join(f"{link.owner.__name__}.{link.field}" for link in cycle)
    example = _stop_example(cycle)
    return ConfigurationError(
        f"{factory.__name__}: the SubFactory links {shown} → {cycle[0].owner.__name__} never end: each "
        f"object builds another; stop it, e.g. {example}, or move "
        f"one side into a Trait or a Maybe"
    )


def _stop_example(cycle: list[_Link]) -> str:
    """A declaration that ends the cycle: a RelatedFactory's missing related name, else ``x=None``."""
    for index, link in enumerate(cycle):
        back = cycle[(index + 1) % len(cycle)]
        if link.related:
            fix = f"RelatedFactory({link.target.__name__}, factory_related_name={back.field!r})"
            return f"{link.owner.__name__}.{link.field} = {fix}"
    first, back = cycle[0], cycle[1 % len(cycle)]
    return f"{first.owner.__name__}.{first.field} = SubFactory({first.target.__name__}, {back.field}=None)"
