"""``lint()``: create every concrete factory and every state once, then roll it all back.

The check a CI job runs to learn that a factory no longer fits its model (a new NOT NULL
column, a renamed field, a unique constraint two states collide on) before a test does.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..factory import ModelFactory

__all__ = ["LintFailure", "LintReport", "discover_factories", "lint"]


@dataclass(frozen=True)
class LintFailure:
    """One factory (or one of its states) that could not be created."""

    factory: str
    state: str | None
    error: BaseException

    def __str__(self) -> str:
        where = f"{self.factory} state={self.state}" if self.state else self.factory
        message = str(self.error).strip().splitlines()[0] if str(self.error).strip() else ""
        return f"{where}: {type(self.error).__name__}: {message}"


@dataclass
class LintReport:
    """What ``lint()`` checked and what failed.

    ``factories`` and ``checks`` count what was created; ``failures`` lists a `LintFailure`
    (factory, state, error) per factory or state that raised. ``ok`` is True when none did.
    """

    factories: int = 0
    checks: int = 0
    failures: list[LintFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every factory and state was created without error."""
        return not self.failures

    def summary(self) -> str:
        """One line: how many factories and checks, how many failed."""
        return f"lint: {self.factories} factories, {self.checks} checks, {len(self.failures)} failed"


def _is_concrete_factory(value: object) -> bool:
    return inspect.isclass(value) and issubclass(value, ModelFactory) and not value._meta.abstract


def discover_factories(target: ModuleType | Iterable[Any]) -> list[type[ModelFactory[Any]]]:
    """The concrete factories defined in a module (in definition order), or those given."""
    if isinstance(target, ModuleType):
        found = [value for value in vars(target).values() if _is_concrete_factory(value)]
        return [factory for factory in found if factory.__module__ == target.__name__] or found
    factories = list(target)
    for factory in factories:
        if not _is_concrete_factory(factory):
            raise TypeError(f"lint() takes concrete ModelFactory classes or a module, got {factory!r}")
    return factories


async def _check(session: AsyncSession, factory: type[ModelFactory[Any]], state: str | None) -> BaseException | None:
    builder = factory.state(state) if state else factory.using(session)
    savepoint = await session.begin_nested()
    try:
        await builder.create(session=session)
    except Exception as error:  # every failure is reported, none stops the run
        return error
    finally:
        if savepoint.is_active:
            await savepoint.rollback()
    return None


async def lint(factories_or_module: ModuleType | Iterable[Any], session: AsyncSession) -> LintReport:
    """Create every concrete factory and every state once, each in a SAVEPOINT rolled back after.

    Nothing is left in the database. Returns a `LintReport`; check ``report.ok``.
    Raises ``TypeError`` if given something that is not a concrete ``ModelFactory``.
    """
    report = LintReport()
    for factory in discover_factories(factories_or_module):
        report.factories += 1
        for state in (None, *factory.state_names()):
            report.checks += 1
            error = await _check(session, factory, state)
            if error is not None:
                name = f"{factory.__module__}.{factory.__qualname__}"
                report.failures.append(LintFailure(name, state, error))
    return report
