"""One persisting call from start to end: checks, session, build and write, handler, close.

``create`` / ``create_many`` and their sync twins differ only in the kind of session and in
awaiting; both start with ``_begin`` (everything checked before anything is built or opened)
and hand the build to ``persistence.persist_call``. Also here: letting factory_boy code call an
async ``create`` without ``await`` from inside a running build.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from .. import events
from ..building.generation import create_many_lean
from ..building.plan import EMPTY_PLAN
from ..building.relations import recycling
from ..definition.call_context import avoids_taken_values, passed_keywords
from ..exceptions import ConfigurationError, SessionNotBoundError, SessionTypeError
from .bridge import run_holding_lock
from .gc_pause import garbage_collection_paused
from .get_or_create import get_or_create
from .persistence import current_call, load_unloaded, persist_call
from .session import ResolvedSession, find_session_source, open_session, session_lock
from .taken_values import Movable, move_past_taken

if TYPE_CHECKING:
    from ..building.plan import CallPlan

__all__ = [
    "create_instance",
    "checked_at_call",
    "create_async_call",
    "create_inside_build",
    "create_sync_call",
    "refuse_sync_session_now",
    "synchronous_inside_builds",
]

P = ParamSpec("P")
R = TypeVar("R")
SessionT = TypeVar("SessionT", AsyncSession, Session)

_listeners = events.listeners


@dataclass(frozen=True)
class _Begun(Generic[SessionT]):
    count: int
    params: dict[str, Any]
    label: str
    save: Any
    #: None only for a handler that owns its session (``save(data)``) when no session is found.
    resolved: ResolvedSession[SessionT] | None


def _owns_its_session(method: Any) -> bool:
    """polyfactory's handlers take only the data, ``save(instance)``: they bring their own session."""
    return len(inspect.signature(method).parameters) == 1


def _handler_save(factory: Any, call: str, twin: str, batch: bool, asynchronous: bool) -> tuple[Any, bool]:
    """The handler method this call will use (or None), checked before anything is built, and
    whether the handler owns its session."""
    handler = factory._meta.persistence_handler
    if handler is None:
        return None, False
    method = handler.save_many if batch else handler.save
    if inspect.iscoroutinefunction(method) != asynchronous:
        actual, needed = ("a plain def", "async def") if asynchronous else ("async def", "a plain def")
        raise ConfigurationError(
            f"{factory.__name__}.{call}(): Meta.persistence_handler.{method.__name__} is {actual}, "
            f"but {call}() needs {needed} {method.__name__}(session, ...); call "
            f"{factory.__name__}.{twin}() instead, or make the handler's {method.__name__} {needed}"
        )
    if _owns_its_session(method):
        return (lambda _session, data: method(data)), True
    return method, False


def _begin(
    factory: Any,
    call: str,
    size: object,
    session: object | None,
    kwargs: dict[str, Any],
    plan: CallPlan,
    *,
    batch: bool,
    wanted: type[SessionT],
    fallback: object | None = None,
) -> _Begun[SessionT]:
    asynchronous = wanted is AsyncSession
    count = factory._check_size(call, size) if batch else 1
    params = factory._prepare(kwargs, plan)
    twin = _twin(asynchronous, batch)
    save, owns_session = _handler_save(factory, call, twin, batch, asynchronous)
    source = find_session_source(factory, session, plan.session or fallback)
    # A handler that owns its session needs none of ours; else a missing session raises here.
    resolved = None if source is None and owns_session else open_session(factory.__name__, call, source, wanted, twin)
    label = factory._label(call, count if batch else None, kwargs, plan)
    return _Begun(count, params, label, save, resolved)


async def create_async_call(
    factory: Any,
    call: str,
    size: object,
    session: object | None,
    kwargs: dict[str, Any],
    plan: CallPlan,
    *,
    batch: bool,
) -> list[Any]:
    """``create`` / ``create_many`` through an ``AsyncSession``."""
    if _listeners:
        with events.calling(factory, "create", plan.states, factory._check_size(call, size) if batch else 1):
            return await _create_async_call(factory, call, size, session, kwargs, plan, batch=batch)
    return await _create_async_call(factory, call, size, session, kwargs, plan, batch=batch)


async def _create_async_call(
    factory: Any, call: str, size: object, session: object | None, kwargs: dict[str, Any], plan: CallPlan, *,
    batch: bool,
) -> list[Any]:
    begun = _begin(factory, call, size, session, kwargs, plan, batch=batch, wanted=AsyncSession)
    if begun.resolved is None:
        built = _build_for_handler(factory, begun, plan)
        await begun.save(None, built if batch else built[0])
        return built
    target, owned = begun.resolved.session, begun.resolved.owned
    try:
        # One turn on the session's lock for the build, a handler's save and the read-back:
        # concurrent calls on one session must not interleave a handler's flush with theirs.
        async with session_lock(target):
            with garbage_collection_paused() if batch else contextlib.nullcontext():
                instances: list[Any] = await run_holding_lock(
                    target, _persist, factory, begun.count, begun.params, begun.label, plan, owned
                )
            if begun.save is not None:
                await begun.save(target, instances if batch else instances[0])
                if owned:
                    await target.commit()
                await run_holding_lock(target, load_unloaded, instances)
    finally:
        if owned:
            await target.close()
    return instances


def create_sync_call(
    factory: Any,
    call: str,
    size: object,
    session: object | None,
    kwargs: dict[str, Any],
    plan: CallPlan,
    *,
    batch: bool,
) -> list[Any]:
    """``create_sync`` / ``create_batch_sync`` through a ``Session``."""
    if _listeners:
        with events.calling(factory, "create", plan.states, factory._check_size(call, size) if batch else 1):
            return _create_sync_call(factory, call, size, session, kwargs, plan, batch=batch)
    return _create_sync_call(factory, call, size, session, kwargs, plan, batch=batch)


def _create_sync_call(
    factory: Any, call: str, size: object, session: object | None, kwargs: dict[str, Any], plan: CallPlan, *,
    batch: bool,
) -> list[Any]:
    # Called from a post-generation hook of a create in progress: use that call's session.
    outer = current_call()
    fallback = outer.session if outer else None
    begun = _begin(factory, call, size, session, kwargs, plan, batch=batch, wanted=Session, fallback=fallback)
    if begun.resolved is None:
        built = _build_for_handler(factory, begun, plan)
        begun.save(None, built if batch else built[0])
        return built
    target, owned = begun.resolved.session, begun.resolved.owned
    try:
        with garbage_collection_paused() if batch else contextlib.nullcontext():
            instances: list[Any] = _persist(target, factory, begun.count, begun.params, begun.label, plan, owned)
        if begun.save is not None:
            begun.save(target, instances if batch else instances[0])
            if owned:
                target.commit()
            load_unloaded(target, instances)
    finally:
        if owned:
            target.close()
    return instances


def _persist(
    session: Session | None, factory: Any, count: int, params: dict[str, Any], label: str, plan: CallPlan, owned: bool
) -> list[Any]:
    """Build and write ``count`` instances; a session the library opened itself is committed."""

    def build() -> list[Any]:
        with recycling(plan.recycled):
            call = current_call()
            if count > 1 and call is not None and call.deferred:  # kept out of the session: bulk
                built = create_many_lean(factory, count, params, plan, call.created)
                if built is not None:
                    return built
            return [factory._generate_planned("create", dict(params), plan) for _ in range(count)]

    single = count == 1 and not (plan.states or plan.children or plan.links)
    return persist_call(session, factory, build, label, params, commit=owned, single=single)


def create_inside_build(factory: Any, call: str, size: object, kwargs: dict[str, Any], *, batch: bool) -> list[Any]:
    """A create called from a hook of a running create: same session, same flush."""
    count = factory._check_size(call, size) if batch else 1
    params = factory._prepare(kwargs, EMPTY_PLAN)
    if _listeners:
        with events.calling(factory, "create", (), count):
            return [factory._generate_planned("create", dict(params), EMPTY_PLAN) for _ in range(count)]
    return [factory._generate_planned("create", dict(params), EMPTY_PLAN) for _ in range(count)]


def _build_for_handler(factory: Any, begun: _Begun[Any], plan: CallPlan) -> list[Any]:
    """Build the instances for a handler that owns its session: no session is opened or used."""
    with garbage_collection_paused() if begun.count > 1 else contextlib.nullcontext():
        instances: list[Any] = _persist(None, factory, begun.count, begun.params, begun.label, plan, False)
    return instances


def _twin(call_is_async: bool, batch: bool) -> str:
    """The call to use with the other kind of session."""
    if call_is_async:
        return "create_batch_sync" if batch else "create_sync"
    return "create_many" if batch else "create"


def _session_argument(rest: tuple[Any, ...] | list[Any], kwargs: dict[str, Any], batch: bool) -> Any:
    """The ``session`` given to a create method, by keyword or position (after the count of a batch)."""
    position = 1 if batch else 0
    return kwargs.get("session", rest[position] if len(rest) > position else None)


def refuse_sync_session_now(
    factory: Any, call: str, session: object | None, plan: CallPlan | None, batch: bool
) -> None:
    """Raise ``SessionTypeError`` when the async ``call`` is made, not when it is awaited, if the
    session it resolves is synchronous: a forgotten ``await`` then fails loudly.

    Known at the call: a ``Session``, a ``scoped_session`` or a ``sessionmaker`` of sessions. What
    any other callable returns is known only once called, when the call is awaited.
    """
    source = find_session_source(factory, session, plan.session if plan else None)
    synchronous = isinstance(source, (Session, scoped_session)) or (
        isinstance(source, sessionmaker) and issubclass(source.class_, Session)
    )
    if synchronous:
        raise SessionTypeError(factory.__name__, call, source, _twin(True, batch))


def synchronous_inside_builds(*, batch: bool) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Let factory_boy code call ``OtherFactory.create()`` from a hook, without ``await``.

    Outside a build these methods return a coroutine as usual. Inside a running create (a
    post-generation hook, a ``LazyFunction``) a coroutine nobody awaits would silently create
    nothing; there the call creates at once, through the running call's session, and returns
    the instance (or list), as it would in factory_boy.
    """

    def decorate(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(method)
        def dispatch(*args: P.args, **kwargs: P.kwargs) -> Any:
            factory, *rest = args
            session = _session_argument(rest, kwargs, batch)
            if current_call() is None or session is not None:
                refuse_sync_session_now(factory, method.__name__, session, None, batch)
                return method(*args, **kwargs)
            keywords = {key: value for key, value in kwargs.items() if key not in ("session", "size")}
            size = kwargs.get("size", rest[0] if rest else None)
            made = cast(Any, factory)._create_inside_build(method.__name__, size, keywords, batch=batch)
            return made if batch else made[0]

        if hasattr(inspect, "markcoroutinefunction"):  # Python 3.12+: still reads as an async def
            inspect.markcoroutinefunction(dispatch)
        return dispatch

    return decorate


def checked_at_call(*, batch: bool) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """For ``FactoryBuilder``'s async methods: a synchronous session raises at the call."""

    def decorate(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(method)
        def check_then_call(*args: P.args, **kwargs: P.kwargs) -> Awaitable[R]:
            builder: Any = args[0]
            session = _session_argument(args[1:], kwargs, batch)
            refuse_sync_session_now(builder.factory, method.__name__, session, builder.plan, batch)
            return method(*args, **kwargs)

        if hasattr(inspect, "markcoroutinefunction"):  # Python 3.12+: still reads as an async def
            inspect.markcoroutinefunction(check_then_call)
        return check_then_call

    return decorate


def create_instance(factory: Any, model_class: type[Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """factory_boy's ``_create`` hook: one object of the running call, added to its session.

    A batch (``deferred``) keeps it out of the session until the bulk write; a factory with
    ``Meta.sqlalchemy_get_or_create`` looks the row up first.
    """
    call = current_call()
    if call is None:
        raise SessionNotBoundError(factory.__name__, "create")
    session = call.session if call.add_to_session else None
    if factory._meta.sqlalchemy_get_or_create and session is not None:
        instance, created = get_or_create(session, factory, model_class, args, kwargs)
        if created:
            call.created.append(instance)
        if _listeners:
            events.instantiated(1 if created else 0)
        return instance
    instance = factory._instantiate(model_class, args, kwargs)
    call.created.append(instance)
    if _listeners:
        events.instantiated(1)
    if session is not None and avoids_taken_values(factory._meta):
        movable = Movable(instance, factory, frozenset(passed_keywords()))
        if call.flush_each:  # flushed at once: moved now, one look-up per object
            move_past_taken(session, [movable])
        else:
            call.movable.append(movable)
    if session is not None and not call.deferred:
        session.add(instance)
        if call.flush_each:
            session.flush()
    return instance
