"""Helpers shared by the ``test_persistence_*`` modules.

Reads go through a second session and end its transaction straight away: on MariaDB a
REPEATABLE READ snapshot would otherwise hide rows committed later, and on SQLite an open
read would keep the writer from committing.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

from sqlalchemy import Engine, MetaData, event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from .conftest import StatementLog


@contextlib.asynccontextmanager
async def tables_of(engine: AsyncEngine, metadata: MetaData) -> AsyncIterator[None]:
    """A test module's own tables, created for the block and dropped after it."""
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    try:
        yield
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.drop_all)


async def count_rows(session: AsyncSession, model: type[Any], **filters: Any) -> int:
    """How many rows of ``model`` (matching ``filters``) the database holds for ``session``."""
    statement = select(func.count()).select_from(model).filter_by(**filters)
    try:
        result = await session.scalar(statement)
    finally:
        await session.rollback()
    return int(result or 0)


async def column_values(session: AsyncSession, *columns: Any) -> list[tuple[Any, ...]]:
    """Rows of ``columns`` ordered by them, read with a fresh query (transaction ended after)."""
    try:
        rows = (await session.execute(select(*columns).order_by(*columns))).all()
    finally:
        await session.rollback()
    return [tuple(row) for row in rows]


@contextlib.contextmanager
def counting_flushes(session: AsyncSession | Session) -> Iterator[list[int]]:
    """Record the flushes of ``session``: the yielded list gets one item per flush."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    flushes: list[int] = []

    def after_flush(flushed: Session, context: Any) -> None:
        flushes.append(len(flushes) + 1)

    event.listen(sync, "after_flush", after_flush)
    try:
        yield flushes
    finally:
        event.remove(sync, "after_flush", after_flush)


@contextlib.contextmanager
def logging_statements(engine: Engine) -> Iterator[StatementLog]:
    """Like the ``statements`` fixture, for a synchronous engine."""
    log = StatementLog()

    def on_execute(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        log.statements.append(statement)
        log.executemany.append(many)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
