"""Reading rows back with a fresh query, through a second session.

Each read ends the reading session's transaction straight away: on MariaDB a REPEATABLE READ
snapshot would otherwise hide rows committed later, and on SQLite an open read would keep the
writer from committing. The rows are detached first, so what was loaded (columns, relationships
loaded with ``selectinload``) stays readable.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession


async def fetch_all(session: AsyncSession, statement: Select[Any]) -> list[Any]:
    """Every row of ``statement`` (scalars for a one-entity select), then end the transaction."""
    try:
        rows = list((await session.execute(statement)).scalars().unique().all())
        session.expunge_all()
        return rows
    finally:
        await session.rollback()


async def fetch_one(session: AsyncSession, statement: Select[Any]) -> Any:
    """The single row of ``statement``; fails if there is not exactly one."""
    rows = await fetch_all(session, statement)
    assert len(rows) == 1, f"expected one row, got {len(rows)}"
    return rows[0]
