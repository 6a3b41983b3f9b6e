"""A single create whose only write is one INSERT: no SAVEPOINT, or one sent by hand.

Both databases undo only the statement that failed and keep the transaction going, so a
``create()`` whose only write is one ``INSERT`` loses nothing if that INSERT fails: the earlier
work of the transaction stays, with no SAVEPOINT and RELEASE around it (two round trips of the
three such a call would otherwise send). The INSERT must be the bulk path's Core statement: a
failed flush makes SQLAlchemy roll the whole session back. PostgreSQL aborts the transaction on
any failed statement, so it keeps the SAVEPOINT, but sends it as plain SQL rather than through
a nested session transaction, whose bookkeeping (flushes, snapshots, a second connection
lookup) cost as much CPU as a round trip: on failure it rolls back to it and undoes memory as
below.

A create qualifies when nothing but that INSERT can write or fail after writing: its factory
has no ``SubFactory``, ``RelatedFactory``, post-generation hook, ``Maybe``, ``Params`` /
``Trait``, automatic parent or child, nor ``sqlalchemy_get_or_create``; the call has no state,
``has()`` child or link, and its keywords give columns or existing parents; every column of the
table has a plain type (no ``TypeDecorator``, ``Enum`` or ``JSON`` whose reading back could fail
once the row is written). What a failure leaves in memory is undone by hand: the new object
leaves the session and the loaded collections of its parents, where a backref had put it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from factory.declarations import BaseDeclaration, Maybe, PostGenerationDeclaration, SubFactory
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper, RelationshipDirection, Session

from .._mapping import model_info
from ..autogen.plan import install_auto_declarations
from .unnest import plain_type

__all__ = ["forgetting_on_failure", "in_own_savepoint", "one_insert_mode"]

_UNDO_THE_STATEMENT = ("sqlite", "mysql", "mariadb")
#: ``one_insert_mode`` answers: the database undoes the failed INSERT; a SAVEPOINT by hand.
UNDONE, SAVEPOINT = "undone", "savepoint"
#: One name for every hand-sent SAVEPOINT: the driver prepares each statement once. Nested ones
#: (a create inside another's build) shadow each other and are released innermost first.
_SAVEPOINT_NAME = "asyncfactories_create"
_CACHE_ATTRIBUTE = "_asyncfactories_one_insert"


def _plain_declaration(declaration: object) -> bool:
    return not isinstance(declaration, (SubFactory, PostGenerationDeclaration, Maybe))


def _work_out(factory: Any) -> bool:
    meta = factory._meta
    if meta.parameters or meta.sqlalchemy_get_or_create or meta.model is None:
        return False
    declarations = {**install_auto_declarations(factory), **meta.declarations}
    if not all(_plain_declaration(declaration) for declaration in declarations.values()):
        return False
    mapper = model_info(meta.model).mapper
    return all(plain_type(column.type) for column in mapper.local_table.columns)


def _plain_factory(factory: Any) -> bool:
    cached: bool | None = factory.__dict__.get(_CACHE_ATTRIBUTE)
    if cached is None:
        cached = _work_out(factory)
        setattr(factory, _CACHE_ATTRIBUTE, cached)
    return cached


def _plain_keyword(mapper: Mapper[Any], key: str, value: object) -> bool:
    """A column's value, or an existing parent whose collection (if any) a backref fills."""
    if key in mapper.column_attrs:
        return not isinstance(value, (BaseDeclaration, PostGenerationDeclaration))  # a value, not a declaration
    relationship = mapper.relationships.get(key)
    if relationship is None or relationship.direction is not RelationshipDirection.MANYTOONE:
        return False
    if value is None:
        return True
    reverse = relationship._reverse_property
    state = sa_inspect(value, raiseerr=False)
    return state is not None and state.persistent and all(prop.uselist for prop in reverse)


def one_insert_mode(session: Session, factory: Any, params: dict[str, Any]) -> str | None:
    """How one create of ``factory`` with ``params`` is kept from losing earlier work, if it is plain.

    ``UNDONE``: no SAVEPOINT (SQLite, MariaDB); ``SAVEPOINT``: one sent by hand (PostgreSQL);
    None: a nested session transaction, as for any other create.
    """
    if not _plain_factory(factory):
        return None
    mapper = model_info(factory._meta.model).mapper
    dialect = session.get_bind(mapper).dialect.name
    mode = UNDONE if dialect in _UNDO_THE_STATEMENT else SAVEPOINT if dialect == "postgresql" else None
    if mode is None or not all(_plain_keyword(mapper, key, value) for key, value in params.items()):
        return None
    return mode


def _forget(session: Session, instance: Any) -> None:
    """Take a failed new object out of the session and out of its parents' loaded collections."""
    if instance in session:
        session.expunge(instance)
    for relationship in sa_inspect(instance).mapper.relationships:
        parent = instance.__dict__.get(relationship.key)
        if relationship.direction is not RelationshipDirection.MANYTOONE or parent is None:
            continue
        for reverse in relationship._reverse_property:
            collection = parent.__dict__.get(reverse.key)
            if collection is not None and instance in collection:
                collection.remove(instance)  # appended, then removed: the collection has no change


@contextlib.contextmanager
def forgetting_on_failure(session: Session, created: Sequence[Any]) -> Iterator[None]:
    """If the block fails, the database undid its one statement; undo what memory still holds.

    The caller's pending changes are flushed first, as beginning a SAVEPOINT would have flushed
    them: a create in ``"flush"`` mode writes what the session holds.
    """
    session.flush()
    try:
        yield
    except BaseException:
        for instance in created:
            _forget(session, instance)
        raise


@contextlib.contextmanager
def in_own_savepoint(session: Session, mapper: Mapper[Any], created: Sequence[Any]) -> Iterator[None]:
    """PostgreSQL: the block inside a SAVEPOINT sent as SQL; on failure, back to it and memory undone.

    As ``session.begin_nested()`` would, pending changes are flushed first.
    """
    session.flush()
    connection = session.connection(bind_arguments={"mapper": mapper})
    connection.exec_driver_sql(f"SAVEPOINT {_SAVEPOINT_NAME}")
    try:
        yield
    except BaseException:
        connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT_NAME}")
        for instance in created:
            _forget(session, instance)
        raise
    connection.exec_driver_sql(f"RELEASE SAVEPOINT {_SAVEPOINT_NAME}")
