"""Which session a persisting call uses (see docs/guides/sessions.md), ``bind_session``, and per-session locks.

Resolution, first match wins: the ``session=`` argument; a builder's ``.using(session)``; the
innermost ``bind_session`` block (a context variable, so concurrent tasks can bind different
sessions); the class's ``Meta.sqlalchemy_session`` or its aliases ``__async_session__`` /
``__session__`` (read at call time, nearest class first); ``Meta.sqlalchemy_session_factory``.
"""

from __future__ import annotations

import asyncio
import weakref
from contextvars import ContextVar, Token
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session, async_sessionmaker
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from ..definition.options import OWN_META_SESSION_FLAG, SESSION_ALIASES
from ..exceptions import ConfigurationError, SessionNotBoundError, SessionTypeError

__all__ = ["ResolvedSession", "bind_session", "find_session_source", "open_session", "session_lock"]

SessionT = TypeVar("SessionT", AsyncSession, Session)

_bound_session: ContextVar[AsyncSession | Session | None] = ContextVar(
    "asyncfactories_bound_session", default=None
)


class bind_session:  # noqa: N801 - used like a function, as contextlib's helpers are
    """Bind ``session`` to every factory for the duration of a ``with`` / ``async with`` block.

    The binding lives in a context variable: concurrent tasks can each bind their own
    session, and blocks nest (the innermost wins). A ``session=`` argument or a builder's
    ``.using(session)`` still take precedence. Binding raises nothing; a persisting call made
    in the block raises ``SessionTypeError`` if the bound session is of the other kind (an
    ``AsyncSession`` for ``create_sync``, a ``Session`` for ``create``).
    """

    def __init__(self, session: AsyncSession | Session) -> None:
        self.session = session
        self._tokens: list[Token[AsyncSession | Session | None]] = []

    def __enter__(self) -> AsyncSession | Session:
        self._tokens.append(_bound_session.set(self.session))
        return self.session

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        _bound_session.reset(self._tokens.pop())

    async def __aenter__(self) -> AsyncSession | Session:
        return self.__enter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.__exit__(exc_type, exc, tb)


def _class_session(factory: Any) -> object | None:
    """``Meta.sqlalchemy_session`` or an alias, from the nearest class that sets one."""
    for klass in factory.__mro__:
        own = vars(klass)
        for alias in SESSION_ALIASES:
            if own.get(alias) is not None:
                source: object = own[alias]
                return source
        if own.get(OWN_META_SESSION_FLAG):
            meta_source: object = vars(klass)["_meta"].sqlalchemy_session
            return meta_source
    return None


def find_session_source(factory: Any, explicit: object | None, from_builder: object | None) -> object | None:
    """The first session, or session-making callable, in resolution order (or None)."""
    for candidate in (explicit, from_builder, _bound_session.get(), _class_session(factory)):
        if candidate is not None:
            return candidate
    source: object | None = factory._meta.sqlalchemy_session_factory
    return source


@dataclass(frozen=True)
class ResolvedSession(Generic[SessionT]):
    """A session to persist through, and whether this library opened it (and must close it)."""

    session: SessionT
    owned: bool


def _serial(session: Session | AsyncSession) -> int:
    """SQLAlchemy numbers every ``Session`` it constructs, in order (``Session.hash_key``)."""
    return (session.sync_session if isinstance(session, AsyncSession) else session).hash_key


def _made_from(factory_name: str, source: object) -> tuple[object, bool]:
    """The session a source stands for, and whether it is new: made by this call, so ours to close.

    A session or a ``scoped_session`` is the caller's. A ``sessionmaker`` makes a new one. Any
    other callable is called: what it returns is new only if SQLAlchemy constructed it during
    the call (``lambda: Session(engine)``), not if it hands out a live session (polyfactory's
    ``lambda: session``, or a ``scoped_session``, whose registry owns its session).
    """
    if isinstance(source, (AsyncSession, Session)):
        return source, False
    if isinstance(source, (async_scoped_session, scoped_session)):
        return source(), False
    if isinstance(source, (async_sessionmaker, sessionmaker)):
        return source(), True
    if not callable(source):
        raise ConfigurationError(
            f"{factory_name}: the session source {source!r} is neither a session nor a callable "
            f"returning one; pass an AsyncSession, a Session or a sessionmaker"
        )
    # A throwaway Session gives the number SQLAlchemy is up to (constructing one opens nothing).
    before = Session().hash_key
    made: object = source()
    if isinstance(made, (async_scoped_session, scoped_session)):
        return made(), False
    return made, isinstance(made, (AsyncSession, Session)) and _serial(made) > before


def open_session(
    factory_name: str, call: str, source: object | None, wanted: type[SessionT], other_call: str
) -> ResolvedSession[SessionT]:
    """Turn a session source into a session of type ``wanted``, or raise a clear error.

    The library owns (commits and closes) only a session it opened itself: see ``_made_from``.
    """
    if source is None:
        raise SessionNotBoundError(factory_name, call)
    session, owned = _made_from(factory_name, source)
    if not isinstance(session, wanted):
        raise SessionTypeError(factory_name, call, session, other_call)
    return ResolvedSession(session, owned)


_locks: weakref.WeakKeyDictionary[AsyncSession, asyncio.Lock] = weakref.WeakKeyDictionary()


def session_lock(session: AsyncSession) -> asyncio.Lock:
    """One lock per ``AsyncSession``: concurrent creates on one session take turns."""
    lock = _locks.get(session)
    if lock is None:
        lock = _locks[session] = asyncio.Lock()
    return lock
