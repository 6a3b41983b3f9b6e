"""Unique values that rows already in the table hold, moved past before the write.

With ``Meta.avoid_taken_values`` (or ``avoid_taken_values(True)`` for every factory; the CLI's
``seed`` always), a persisting call looks up the values its new objects give each
single-column unique column — one ``SELECT`` per column and factory, per 500 values — and
replaces the taken ones with new draws of the same declaration: a ``Sequence``'s next numbers,
a zero-config generator's next value, another ``Faker`` or ``LazyFunction`` value. When the
table holds none of them nothing changes, so a test's data stays what it is on an empty table.
Values the call's keywords gave are never replaced, nor values of declarations that read the
object (``LazyAttribute``, ``SelfAttribute``): the database's constraint still reports a repeat
of those.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from factory import enums
from factory.declarations import LazyFunction, Sequence
from factory.faker import Faker
from sqlalchemy import Column, select
from sqlalchemy.orm import Session

from .._mapping import model_info
from ..autogen.columns import model_schema
from ..autogen.declarations import AutoValue

__all__ = ["Movable", "move_past_taken"]

_VALUES_PER_SELECT = 500
#: Rounds of fresh candidates before giving up (the database's constraint then reports it).
_ROUNDS = 32


@dataclass(frozen=True)
class Movable:
    """A new object whose generated unique values may be moved: its factory, the names passed to it."""

    instance: Any
    factory: Any
    passed: frozenset[str]


def move_past_taken(session: Session, movables: list[Movable]) -> None:
    """Replace every generated unique value of ``movables`` that a row in the table holds."""
    by_factory: dict[Any, list[Movable]] = {}
    for movable in movables:
        by_factory.setdefault(movable.factory, []).append(movable)
    fold = _folding(session)
    with session.no_autoflush:  # the objects must not be written with the taken values first
        for factory, entries in by_factory.items():
            for key, column, draw in _movable_columns(factory):
                instances = [
                    e.instance for e in entries if key not in e.passed and e.instance.__dict__.get(key) is not None
                ]
                if instances:
                    _move(session, column, key, instances, draw, fold)


def _movable_columns(factory: Any) -> list[tuple[str, Column[Any], Callable[[], Any]]]:
    """``(attribute, column, draw another value)`` for each unique column a movable declaration fills."""
    mapper = model_info(factory._meta.model).mapper
    declarations = factory._meta.pre_declarations.declarations
    found = []
    for group in model_schema(factory._meta.model).unique_groups:
        if len(group) != 1 or group[0] not in declarations:
            continue
        draw = _drawer(factory, declarations[group[0]])
        column = mapper.get_property(group[0]).columns[0]
        if draw is not None and isinstance(column, Column):
            found.append((group[0], column, draw))
    return found


def _drawer(factory: Any, declaration: Any) -> Callable[[], Any] | None:
    """How to draw another value from ``declaration``, if it gives one without the object."""
    if type(declaration) is Sequence:  # not LazyAttributeSequence: it reads the object
        return lambda: declaration.function(factory._meta.next_sequence())
    if isinstance(declaration, AutoValue):
        return lambda: declaration.produce(factory.__random__)
    if type(declaration) is LazyFunction:
        function: Callable[[], Any] = declaration.function
        return function
    defaults: dict[str, Any] = getattr(declaration, "_defaults", {})
    if isinstance(declaration, Faker) and not any(enums.get_builder_phase(v) for v in defaults.values()):
        untyped: Any = declaration  # Faker("email"), Faker("ean", length=13): evaluated as factory_boy does
        return lambda: untyped.evaluate(None, None, dict(defaults))
    return None


def _folding(session: Session) -> Callable[[Any], Hashable]:
    """How the database compares values: MariaDB / MySQL collations ignore case."""
    if session.get_bind().dialect.name in ("mysql", "mariadb"):
        return lambda value: value.casefold() if isinstance(value, str) else value
    return lambda value: value


def _taken(session: Session, column: Column[Any], values: list[Any], fold: Callable[[Any], Hashable]) -> set[Any]:
    found: set[Any] = set()
    for start in range(0, len(values), _VALUES_PER_SELECT):
        chunk = values[start : start + _VALUES_PER_SELECT]
        found.update(fold(value) for value in session.execute(select(column).where(column.in_(chunk))).scalars())
    return found


def _move(
    session: Session,
    column: Column[Any],
    key: str,
    instances: list[Any],
    draw: Callable[[], Any],
    fold: Callable[[Any], Hashable],
) -> None:
    taken = _taken(session, column, [instance.__dict__[key] for instance in instances], fold)
    stuck = [instance for instance in instances if fold(instance.__dict__[key]) in taken]
    used = {fold(instance.__dict__[key]) for instance in instances} | taken
    for _round in range(_ROUNDS):
        if not stuck:
            return
        candidates = [value for value in (draw() for _ in range(2 * len(stuck) + 8)) if fold(value) not in used]
        taken_now = _taken(session, column, candidates, fold)
        free = [value for value in candidates if fold(value) not in taken_now]
        used.update(fold(value) for value in candidates)
        for instance, value in zip(stuck, free, strict=False):
            setattr(instance, key, value)
        stuck = stuck[len(free) :]
