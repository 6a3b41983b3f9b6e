"""factory_boy's ``Meta.sqlalchemy_get_or_create``, with the retry kept inside a SAVEPOINT.

As in factory_boy (``factory/alchemy.py``): the lookup is by every get-or-create field and
several matching rows raise ``MultipleResultsFound``; when the INSERT fails with an
``IntegrityError`` the row is looked up again by the get-or-create fields *the caller passed*
(so ``slug=`` alone finds the row whose generated ``text`` differs). Unlike factory_boy, the
failed INSERT is rolled back to a SAVEPOINT, never with the caller's whole transaction.

Which keywords were passed is a per-build fact: the call's keywords for the outermost object,
a ``SubFactory``'s own keywords (and ``author__x`` lines) for a parent. The step builder knows
it; ``ModelFactoryOptions.instantiate`` records it (``definition.call_context.passed_keywords``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError, MultipleResultsFound, NoResultFound
from sqlalchemy.orm import Session

from .._mapping import model_info
from ..definition.call_context import passed_keywords
from ..exceptions import ConfigurationError
from .failure_notes import add_note
from .persistence import protective_savepoint

__all__ = ["get_or_create"]

def _lookup(model: type, values: dict[str, Any]) -> Select[Any]:
    return select(model).filter_by(**values)


def _one_or_none(session: Session, factory: Any, statement: Select[Any], values: dict[str, Any]) -> Any:
    """The single matching row, or None; several raise SQLAlchemy's ``MultipleResultsFound``."""
    try:
        return session.execute(statement).scalars().one_or_none()
    except MultipleResultsFound as error:
        shown = ", ".join(f"{key}={value!r}" for key, value in values.items())
        add_note(
            error,
            f"asyncfactories: {factory.__name__}: several rows match Meta.sqlalchemy_get_or_create "
            f"({shown}); list fields that identify one row, or make the data unique",
        )
        raise


def get_or_create(
    session: Session, factory: Any, model: type, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, bool]:
    """Return ``(instance, created)``: the existing row with these values, or a new one.

    Raises ``ConfigurationError`` for a get-or-create field without a value and
    ``MultipleResultsFound`` when several rows match. The caller's transaction is never
    rolled back: a failed INSERT is undone to a SAVEPOINT before the second lookup.
    """
    keys = factory._meta.sqlalchemy_get_or_create
    missing = [key for key in keys if key not in kwargs]
    if missing:
        raise ConfigurationError(
            f"{factory.__name__}: Meta.sqlalchemy_get_or_create names {missing[0]!r}, but the "
            f"factory gives it no value; declare it on the factory or pass it as a keyword"
        )
    values = {key: kwargs[key] for key in keys}
    session.flush()
    existing = _one_or_none(session, factory, _lookup(model, values), values)
    if existing is not None:
        return existing, False
    instance = factory._instantiate(model, args, kwargs)
    savepoint = protective_savepoint(session, model_info(model).mapper)
    try:
        session.add(instance)
        session.flush()
    except IntegrityError as error:
        savepoint.rollback()
        return _found_after_failed_insert(session, factory, model, values, error), False
    savepoint.commit()
    return instance, True


def _found_after_failed_insert(
    session: Session, factory: Any, model: type, values: dict[str, Any], error: IntegrityError
) -> Any:
    """The row the INSERT collided with, looked up by the get-or-create fields the caller passed.

    None passed, or no row found: the ``IntegrityError`` is raised, as factory_boy does.
    """
    passed = passed_keywords()
    retry = {key: value for key, value in values.items() if key in passed}
    if not retry:
        raise error
    # A locking read sees the row committed since our lookup, which a REPEATABLE READ
    # snapshot (MariaDB / MySQL) would hide. SQLite has no such clause and needs none.
    statement = _lookup(model, retry).with_for_update(read=True)
    try:
        return session.execute(statement).scalars().one()
    except NoResultFound:
        raise error from None
