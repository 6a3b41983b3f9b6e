"""Writing built instances: persistence modes, one-flush batches, failure isolation.

Everything here runs with a *synchronous* ``Session``: either the caller's own, or the
``sync_session`` of an ``AsyncSession`` inside ``run_sync`` (see ``_bridge``). Per-call state
lives in a context variable, never on the factory class, so concurrent calls do not mix.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Select, select, tuple_
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Mapper, Session, selectinload

from ._mapping import model_info
from .exceptions import ConfigurationError

__all__ = [
    "AsyncPersistenceHandler",
    "CreateCall",
    "SyncPersistenceHandler",
    "current_call",
    "get_or_create",
    "initialise_collections",
    "load_unloaded",
    "persist_call",
]

_RELOAD_CHUNK = 500


@runtime_checkable
class AsyncPersistenceHandler(Protocol):
    """``Meta.persistence_handler`` for async sessions: replaces the built-in persistence."""

    async def save(self, session: Any, instance: Any) -> None:
        """Persist one instance."""

    async def save_many(self, session: Any, instances: list[Any]) -> None:
        """Persist a batch of instances."""


@runtime_checkable
class SyncPersistenceHandler(Protocol):
    """``Meta.persistence_handler`` for synchronous sessions."""

    def save(self, session: Any, instance: Any) -> None:
        """Persist one instance."""

    def save_many(self, session: Any, instances: list[Any]) -> None:
        """Persist a batch of instances."""


@dataclass
class CreateCall:
    """What the outermost persisting call decided, read by every nested ``_create``."""

    session: Session
    add_to_session: bool
    flush_each: bool
    created: list[Any] = field(default_factory=list)


_current_call: ContextVar[CreateCall | None] = ContextVar("asyncfactories_create_call", default=None)


def current_call() -> CreateCall | None:
    """The persisting call in progress in this context, if any."""
    return _current_call.get()


@contextlib.contextmanager
def running(call: CreateCall) -> Iterator[CreateCall]:
    """Make ``call`` the current call for the duration of the block."""
    token = _current_call.set(call)
    try:
        yield call
    finally:
        _current_call.reset(token)


def initialise_collections(instance: Any) -> None:
    """Give a new instance empty collections, so reading them later needs no lazy load.

    An untouched collection on a persistent object lazy-loads on first access, which under
    an ``AsyncSession`` outside the greenlet raises ``MissingGreenlet``.
    """
    state_dict = instance.__dict__
    for key in model_info(type(instance)).collections:
        if key not in state_dict:
            getattr(instance, key)


def _driver_in_transaction(session: Session, mapper: Mapper[Any]) -> bool:
    """Whether the database connection really has a transaction open.

    pysqlite (and aiosqlite) only begin a transaction before DML, so a SAVEPOINT sent
    before any write would start and then commit a transaction of its own.
    """
    if not session.in_transaction():
        return False
    connection = session.connection(bind_arguments={"mapper": mapper})
    if connection.dialect.name != "sqlite":
        return True
    return bool(getattr(connection.connection.driver_connection, "in_transaction", True))


@contextlib.contextmanager
def isolate_failures(session: Session, mapper: Mapper[Any], call: CreateCall) -> Iterator[None]:
    """Keep the session usable, and earlier rows in place, if the block fails.

    Inside a transaction that already wrote something, the block runs in a SAVEPOINT. With
    nothing to protect there is no SAVEPOINT to pay for: a failure rolls back the (empty)
    transaction, or expunges what the call added if the session is still usable.
    """
    if _driver_in_transaction(session, mapper):
        with session.begin_nested():
            yield
        return
    try:
        yield
    except BaseException:
        if not session.is_active:
            session.rollback()
        else:
            for instance in call.created:
                if instance in session.new:
                    session.expunge(instance)
        raise


def _describe(instance: Any) -> str:
    info = model_info(type(instance))
    values = {
        key: instance.__dict__[key]
        for key in sorted(info.column_keys)
        if instance.__dict__.get(key) is not None
    }
    shown = ", ".join(f"{key}={value!r}" for key, value in values.items())
    return f"{type(instance).__name__}({shown})"


def failure_note(label: str, instances: Sequence[Any]) -> str:
    """The note added to a database error: which call failed, and with what values."""
    shown = "; ".join(_describe(instance) for instance in instances[:3])
    more = f" and {len(instances) - 3} more" if len(instances) > 3 else ""
    return f"asyncfactories: {label} failed while writing {shown}{more}"


def add_note(exc: BaseException, note: str) -> None:
    """``BaseException.add_note`` on Python 3.11+, the same attribute on 3.10."""
    if hasattr(exc, "add_note"):
        exc.add_note(note)
    else:  # pragma: no cover - Python 3.10
        exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]


def persist_call(session: Session, factory: Any, build: Any, label: str) -> list[Any]:
    """Run ``build()`` (which creates the instances) and write them per the factory's mode.

    ``build`` is called with the new :class:`CreateCall` current, so every nested
    ``_create`` adds to this session. Returns what ``build`` returned.
    """
    mode = factory._meta.sqlalchemy_session_persistence
    handler = factory._meta.persistence_handler
    call = CreateCall(
        session=session,
        add_to_session=handler is None,
        flush_each=factory._flushes_each_instance(),
    )
    with running(call):
        if handler is not None or mode is None:
            result: list[Any] = build()
            return result
        try:
            with isolate_failures(session, model_info(factory._meta.model).mapper, call):
                result = build()
                session.flush()
        except DBAPIError as exc:
            add_note(exc, failure_note(label, call.created or []))
            raise
        if mode == "commit":
            session.commit()
        load_unloaded(session, call.created)
        return result


def _primary_key_filter(mapper: Mapper[Any], identities: list[tuple[Any, ...]]) -> Any:
    columns = mapper.primary_key
    if len(columns) == 1:
        return columns[0].in_([identity[0] for identity in identities])
    return tuple_(*columns).in_(identities)


def load_unloaded(session: Session, instances: Sequence[Any]) -> None:
    """Load what the database generated (keys, server defaults) onto new instances.

    One SELECT per table (per 500 rows) for the instances whose columns or relationships
    are unloaded — server defaults without RETURNING, or everything after a commit that
    expired them — so they are readable outside the greenlet afterwards.
    """
    pending: dict[Mapper[Any], list[Any]] = {}
    for instance in instances:
        state = sa_inspect(instance)
        if state.unloaded and state.identity is not None:
            pending.setdefault(state.mapper, []).append(state)
    for mapper, states in pending.items():
        info = model_info(mapper.class_)
        relationship_keys = {key for state in states for key in state.unloaded} - info.column_keys
        options = [
            selectinload(getattr(mapper.class_, rel.key))
            for rel in mapper.relationships
            if rel.key in relationship_keys and rel.lazy not in ("dynamic", "write_only")
        ]
        for start in range(0, len(states), _RELOAD_CHUNK):
            chunk = states[start : start + _RELOAD_CHUNK]
            statement = select(mapper).where(_primary_key_filter(mapper, [s.identity for s in chunk]))
            session.execute(statement.options(*options)).scalars().all()


def get_or_create(
    session: Session, factory: Any, model: type, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, bool]:
    """factory_boy's ``sqlalchemy_get_or_create``; returns ``(instance, created)``.

    The caller's transaction is never rolled back: an insert that loses a race to a
    concurrent one fails inside a SAVEPOINT, and the row is then looked up again.
    """
    keys = factory._meta.sqlalchemy_get_or_create
    missing = [key for key in keys if key not in kwargs]
    if missing:
        raise ConfigurationError(
            f"{factory.__name__}: Meta.sqlalchemy_get_or_create names {missing[0]!r}, but the "
            f"factory gives it no value; declare it on the factory or pass it as a keyword"
        )
    statement: Select[Any] = select(model).filter_by(**{key: kwargs[key] for key in keys}).limit(1)
    session.flush()
    existing = session.execute(statement).scalars().first()
    if existing is not None:
        return existing, False
    instance = factory._instantiate(model, args, kwargs)
    mapper = model_info(model).mapper
    savepoint = session.begin_nested() if _driver_in_transaction(session, mapper) else None
    try:
        session.add(instance)
        session.flush()
    except IntegrityError:
        if savepoint is not None:
            savepoint.rollback()
        else:
            session.rollback()
        existing = session.execute(statement).scalars().first()
        if existing is None:
            raise
        return existing, False
    if savepoint is not None:
        savepoint.commit()
    return instance, True
