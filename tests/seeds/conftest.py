"""The ``seed_`` tables of ``tests/seeds/models.py``, on every database of ``tests/conftest.py``.

``seed_tables`` creates them once per database and drops them at the end. ``session`` and
``sync_session`` are the parent fixtures, extended: after the test the session is closed (so
no transaction holds a lock) and every ``seed_`` table is emptied, so tests may commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from .models import SeedBase


@pytest.fixture(scope="session")
async def seed_tables(engine: AsyncEngine) -> AsyncIterator[None]:
    async with engine.begin() as connection:
        await connection.run_sync(SeedBase.metadata.drop_all)
        await connection.run_sync(SeedBase.metadata.create_all)
    yield
    async with engine.begin() as connection:
        await connection.run_sync(SeedBase.metadata.drop_all)


async def empty_seed_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(SeedBase.metadata.sorted_tables):
            await connection.execute(table.delete())


@pytest.fixture
async def session(seed_tables: None, engine: AsyncEngine, session: AsyncSession) -> AsyncIterator[AsyncSession]:
    yield session
    await session.close()
    await empty_seed_tables(engine)


@pytest.fixture
def sync_session(seed_tables: None, sync_engine: Engine, sync_session: Session) -> Iterator[Session]:
    yield sync_session
    sync_session.close()
    with sync_engine.begin() as connection:
        for table in reversed(SeedBase.metadata.sorted_tables):
            connection.execute(table.delete())
