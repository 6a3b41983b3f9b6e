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

__all__ = ["run_holding_lock"]

P = ParamSpec("P")
T = TypeVar("T")


async def run_holding_lock(
    session: AsyncSession, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run ``fn(sync_session, *args, **kwargs)`` in the greenlet.

    The caller holds ``session_lock(session)`` for the whole call (the build, a persistence
    handler's save, the read-back), so concurrent calls on one session take turns.
    """
    return await session.run_sync(fn, *args, **kwargs)
