"""The one place that crosses from asyncio into factory_boy's synchronous build.

factory_boy builds through one synchronous call chain (SubFactory and RelatedFactory recurse
through its builder, not through ``create()``). Running the whole chain inside
``AsyncSession.run_sync`` lets every nested create use the same session, with SQLAlchemy's
greenlet bridge turning each statement into an awaited one. Only the public ``run_sync`` is
used: SQLAlchemy's private greenlet helpers moved between 2.0 and 2.1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .session import session_lock

__all__ = ["run_in_session"]

P = ParamSpec("P")
T = TypeVar("T")


async def run_in_session(
    session: AsyncSession, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run ``fn(sync_session, *args, **kwargs)`` in the greenlet, one call per session at a time."""
    async with session_lock(session):
        return await session.run_sync(fn, *args, **kwargs)
