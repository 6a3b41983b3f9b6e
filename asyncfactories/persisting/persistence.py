"""Writing built instances: persistence modes, one-flush batches, failure isolation.

Everything here runs with a *synchronous* ``Session``: either the caller's own, or the
``sync_session`` of an ``AsyncSession`` inside ``run_sync`` (see ``persisting/bridge.py``). Per-call state
lives in a context variable, never on the factory class, so concurrent calls do not mix.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Connection, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper, RelationshipProperty, Session, SessionTransaction, selectinload
from sqlalchemy.orm.attributes import init_collection, instance_state

from .._mapping import all_loaded, keys_in, model_info
from .bulk import write_in_bulk
from .eager import needs_unit_of_work
from .failure_notes import annotate
from .one_statement import SAVEPOINT, UNDONE, forgetting_on_failure, in_own_savepoint, one_insert_mode
from .taken_values import Movable, move_past_taken
from .tracking import record_created

__all__ = [
    "AsyncPersistenceHandler",
    "CreateCall",
    "SyncPersistenceHandler",
    "current_call",
    "initialise_collections",
    "load_unloaded",
    "persist_call",
]

_RELOAD_CHUNK = 500


@runtime_checkable
class AsyncPersistenceHandler(Protocol):
    """``Meta.persistence_handler`` for async sessions: replaces the built-in persistence.

    ``create`` calls ``save(session, instance)``, ``create_many`` calls
    ``save_many(session, instances)``. A handler combined with ``sqlalchemy_get_or_create``, or
    a plain ``def`` handler used by an async call, raises ``ConfigurationError``.
    """

    async def save(self, session: Any, instance: Any) -> None:
        """Persist one instance."""

    async def save_many(self, session: Any, instances: list[Any]) -> None:
        """Persist a batch of instances."""


@runtime_checkable
class SyncPersistenceHandler(Protocol):
    """``Meta.persistence_handler`` for synchronous sessions: replaces the built-in persistence.

    ``create_sync`` calls ``save(session, instance)``, ``create_batch_sync`` calls
    ``save_many(session, instances)``. An ``async def`` handler used by a sync call raises
    ``ConfigurationError``.
    """

    def save(self, session: Any, instance: Any) -> None:
        """Persist one instance."""

    def save_many(self, session: Any, instances: list[Any]) -> None:
        """Persist a batch of instances."""


@dataclass
class CreateCall:
    """What the outermost persisting call decided, read by every nested ``_create``.

    ``session`` is None only for a handler that owns its session, called with none resolved;
    ``add_to_session`` is then False.
    """

    session: Session | None
    add_to_session: bool
    flush_each: bool
    #: Instances are kept out of the session until ``write_in_bulk`` inserts them.
    deferred: bool = False
    created: list[Any] = field(default_factory=list)
    #: New objects whose generated unique values may be moved past taken ones (``taken_values``).
    movable: list[Movable] = field(default_factory=list)


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
            # Merely reading it would not do: SQLAlchemy keeps an unread empty collection aside
            # and still lazy-loads once the object is persistent. This stores it, without history.
            init_collection(instance, key)


def _joined_by_key_only(child: Any, collection: RelationshipProperty[Any]) -> bool:
    """``child`` holds the foreign key of ``collection`` but was not linked through the relationship."""
    reverse = collection.back_populates
    if isinstance(reverse, str) and child.__dict__.get(reverse) is not None:
        return False
    mapper = sa_inspect(child).mapper
    keys = [mapper.get_property_by_column(column).key for column in collection.remote_side]
    return all(child.__dict__.get(key) is not None for key in keys)


def expire_collections_joined_by_key(session: Session, instances: Sequence[Any]) -> None:
    """Expire the collections a child of this call joined by key value (``author_id=user.id``).

    Such a child is missing from the parent's collection, which was set empty when the
    parent was built; expired, it is read back by :func:`load_unloaded` with the rest.
    """
    by_class: dict[type, list[Any]] = {}
    for instance in instances:
        by_class.setdefault(type(instance), []).append(instance)
    for parent_class, parents in by_class.items():
        stale = set()
        for key in model_info(parent_class).collections:
            collection = model_info(parent_class).mapper.relationships[key]
            if collection.secondary is not None:
                continue
            children = [
                child for cls, some in by_class.items() if issubclass(cls, collection.mapper.class_) for child in some
            ]
            if any(_joined_by_key_only(child, collection) for child in children):
                stale.add(key)
        for parent in parents if stale else ():
            session.expire(parent, stale)


def _nothing_to_protect(session: Session, mapper: Mapper[Any]) -> bool:
    """No transaction, no objects, nothing pending: a plain rollback after a failure loses nothing.

    Not so for a session bound to a connection whose own transaction holds rows: rolling the
    session back would roll that outer transaction back too.
    """
    if session.in_transaction() or session.identity_map or session.new:
        return False
    bind = session.get_bind(mapper)
    return not (isinstance(bind, Connection) and bind.in_transaction())


def protective_savepoint(session: Session, mapper: Mapper[Any]) -> SessionTransaction:
    """Begin a SAVEPOINT that keeps earlier rows and loaded objects if what follows fails.

    Rolling back to it, unlike rolling back the session, neither undoes earlier rows nor
    expires loaded objects (which under an ``AsyncSession`` would then raise ``MissingGreenlet``
    when read). pysqlite and aiosqlite begin a transaction only before DML: a SAVEPOINT sent
    outside one would open its own, and its RELEASE would commit. So the transaction is begun first.
    """
    connection = session.connection(bind_arguments={"mapper": mapper})
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite" and not getattr(driver, "in_transaction", True):
        connection.exec_driver_sql("BEGIN")
    with _savepoint_named_by_depth(session, connection):
        savepoint = session.begin_nested()
        session.connection(bind_arguments={"mapper": mapper})  # sends the SAVEPOINT now
    return savepoint


#: Our SAVEPOINTs are ``sa_savepoint_<this + depth>``: far from the numbers SQLAlchemy counts
#: up per connection for everyone else's, so no name is ever shared with an open savepoint.
_SAVEPOINT_NUMBERS = 1_000_000


@contextlib.contextmanager
def _savepoint_named_by_depth(session: Session, connection: Connection) -> Iterator[None]:
    """Give the SAVEPOINT begun in the block a name that depends only on how deep it is nested.

    SQLAlchemy names each savepoint ``sa_savepoint_<n>`` with ``n`` counting up for the life
    of the connection, so every SAVEPOINT and RELEASE is a statement the driver has never
    seen: asyncpg prepares it first, one more round trip each. With the same name at the same
    depth they come from its statement cache, which halves the cost of one ``create()``.
    The counter is SQLAlchemy's private attribute; without it, names stay SQLAlchemy's own.
    """
    attribute = "_Connection__savepoint_seq"
    counted = getattr(connection, attribute, None)
    if not isinstance(counted, int):  # pragma: no cover - a SQLAlchemy without this counter
        yield
        return
    depth, transaction = 0, session.get_nested_transaction()
    while transaction is not None:
        depth += transaction.nested
        transaction = transaction.parent
    setattr(connection, attribute, _SAVEPOINT_NUMBERS + depth)
    try:
        yield
    finally:
        setattr(connection, attribute, counted)


@contextlib.contextmanager
def isolate_failures(
    session: Session, mapper: Mapper[Any], call: CreateCall, *, protect: bool = True, one_insert: str | None = None
) -> Iterator[None]:
    """Keep the session usable, and earlier rows and objects intact, if the block fails.

    The block runs in a SAVEPOINT, unless the session holds nothing at all: then there is no
    SAVEPOINT to pay for, and a failure of any kind rolls back the transaction the call began
    (or, before any SQL was sent, expunges what the call added). ``protect=False`` (``Meta.isolate_failures
    = False``) never spends a SAVEPOINT: a failure then rolls back the whole transaction.
    ``one_insert``: the block's only write is one INSERT (``one_statement.py``): ``"undone"``,
    the database undoes it by itself if it fails, so no SAVEPOINT is needed either; ``"savepoint"``,
    the SAVEPOINT is sent by hand.
    """
    if protect and not _nothing_to_protect(session, mapper):
        with _protection(session, mapper, call, one_insert):
            yield
        return
    try:
        yield
    except BaseException:
        # The transaction holds only this call's rows (or, with protect=False, the caller chose
        # to lose the rest): roll it back, so that no row of the failing call is committed later.
        if session.in_transaction():
            session.rollback()
        else:
            _expunge_new(session, call.created)
        raise


def _protection(
    session: Session, mapper: Mapper[Any], call: CreateCall, one_insert: str | None
) -> contextlib.AbstractContextManager[Any]:
    if one_insert == UNDONE:
        return forgetting_on_failure(session, call.created)
    if one_insert == SAVEPOINT:
        return in_own_savepoint(session, mapper, call.created)
    return protective_savepoint(session, mapper)


def persist_call(
    session: Session | None,
    factory: Any,
    build: Any,
    label: str,
    params: dict[str, Any] | None = None,
    *,
    commit: bool = False,
    single: bool = False,
) -> list[Any]:
    """Run ``build()`` (which creates the instances) and write them per the factory's mode.

    ``build`` is called with the new `CreateCall` current, so every nested ``_create``
    adds to this session. ``params`` are the call's keywords: a declaration among them may
    read a parent's generated key too. ``commit`` forces the "commit" mode — for a session
    the library opened itself, whose rows would otherwise vanish when it closes. Returns what
    ``build`` returned. ``single``: one plain ``create()`` (maybe without SAVEPOINT: ``one_statement.py``).
    """
    handler = factory._meta.persistence_handler
    mode = "commit" if commit and handler is None else factory._meta.sqlalchemy_session_persistence
    flush_each = factory._flushes_each_instance(params)
    deferred = mode is not None and handler is None and not flush_each and _bulk_possible(factory)
    call = CreateCall(session=session, add_to_session=handler is None, flush_each=flush_each, deferred=deferred)
    with running(call):
        if handler is not None or mode is None or session is None:
            built = _build_only(session if handler is None else None, build, call)
            record_created(call.created)  # for tracking(): their keys are read when it ends
            return built
        mapper = model_info(factory._meta.model).mapper
        one = one_insert_mode(session, factory, params or {}) if single and call.deferred else None
        try:
            with isolate_failures(session, mapper, call, protect=factory._meta.isolate_failures, one_insert=one):
                result: list[Any] = build()
                if call.movable:
                    move_past_taken(session, call.movable)
                _write(session, call)
                expire_collections_joined_by_key(session, call.created)
                if mode != "commit":  # read back inside the protection: a value that cannot be read fails here
                    load_unloaded(session, call.created)
        except Exception as exc:
            annotate(exc, label, call.created, mapper)
            raise
        if mode == "commit":
            session.commit()
            load_unloaded(session, call.created)
        record_created(call.created)
        return result


def _build_only(session: Session | None, build: Any, call: CreateCall) -> list[Any]:
    """``build()`` without writing (no persistence mode, or a handler): a failure takes back
    what the call added to ``session``, so the caller's next commit does not save it."""
    try:
        result: list[Any] = build()
    except BaseException:
        if session is not None:
            _expunge_new(session, call.created)
        raise
    return result


def _expunge_new(session: Session, instances: Sequence[Any]) -> None:
    for instance in instances:
        if instance in session.new:
            session.expunge(instance)


def _bulk_possible(factory: Any) -> bool:
    """The factory's own settings allow the bulk path (its instances may still decline)."""
    return not needs_unit_of_work(factory)


def _write(session: Session, call: CreateCall) -> None:
    """One INSERT batch per table where possible, else the unit of work's flush."""
    if call.deferred and write_in_bulk(session, call.created):
        return
    if call.deferred:
        session.add_all(call.created)
    session.flush()


def load_unloaded(session: Session, instances: Sequence[Any]) -> None:
    """Load what the database generated (keys, server defaults) onto new instances.

    One SELECT per table (per 500 rows) for the instances whose columns or relationships
    are unloaded — server defaults without RETURNING, or everything after a commit that
    expired them — so they are readable outside the greenlet afterwards.
    """
    pending: dict[Mapper[Any], list[Any]] = {}
    for instance in instances:
        state = instance_state(instance)
        if all_loaded(state):
            continue
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
            statement = select(mapper).where(keys_in(mapper.primary_key, [s.identity for s in chunk]))
            session.execute(statement.options(*options)).scalars().all()

