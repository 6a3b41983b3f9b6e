"""SQLAlchemy Core ``executemany``: ``await conn.execute(insert(table), list_of_dicts)``.

The floor for any ORM-level tool: no objects, no identity map, no server defaults read back.
Posts need their authors' ids: ``INSERT … RETURNING`` in batches where the dialect can match
returned rows to parameters (an implicit sentinel: PostgreSQL, MariaDB), otherwise (SQLite,
where SQLAlchemy would fall back to one INSERT per row) an executemany and one SELECT of the
new ids by email.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ..schema import posts_table, users_table
from . import AsyncCreate, AsyncRunner, AsyncTarget, UnsupportedCaseError, next_email
from .handwritten import fake


def user_rows(case: str, n: int) -> list[dict[str, Any]]:
    if case == "faker":
        return [{"name": fake.name(), "email": next_email(), "role": "member"} for _ in range(n)]
    return [{"name": "Bench User", "email": next_email(), "role": "member"} for _ in range(n)]


async def insert_users_returning_ids(connection: AsyncConnection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows``; their new ids, in the order of ``rows``."""
    if connection.dialect.name != "sqlite":  # SQLite has no implicit sentinel: one INSERT per row
        statement = insert(users_table).returning(users_table.c.id, sort_by_parameter_order=True)
        return list((await connection.execute(statement, rows)).scalars())
    await connection.execute(insert(users_table), rows)
    emails = [row["email"] for row in rows]
    found = await connection.execute(select(users_table.c.email, users_table.c.id).where(
        users_table.c.email.in_(emails)))
    ids = dict(found.tuples().all())
    return [ids[email] for email in emails]


class Runner(AsyncRunner):
    async def populate(self, target: AsyncTarget, case: str, n: int) -> None:
        if case == "zero":
            raise UnsupportedCaseError("Core has no zero-config form; compared with the cheap-users row")
        async with target.engine.begin() as connection:
            rows = user_rows(case, n)
            if case != "posts":
                await connection.execute(insert(users_table), rows)
                return
            ids = await insert_users_returning_ids(connection, rows)
            await connection.execute(insert(posts_table), [{"title": "Hello", "author_id": i} for i in ids])

    @asynccontextmanager
    async def single(self, target: AsyncTarget) -> AsyncIterator[AsyncCreate]:
        async with target.engine.begin() as connection:

            async def create_one() -> object:
                return await connection.execute(insert(users_table), user_rows("users", 1)[0])

            yield create_one


def runner(variant: str) -> Runner:
    return Runner()
