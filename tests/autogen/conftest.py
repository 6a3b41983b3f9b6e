"""The ``ag_`` tables of ``tests/autogen/models.py`` on every database of ``tests/conftest.py``,
and the hypothesis profiles of the property test.

``ag_engine`` creates them once per database (plus the PostgreSQL- or MySQL-only table on its
own database) and drops them at the end; it is an engine of its own, so other tests dropping
their tables on the same server never disturb these. ``session`` and ``fresh_session`` replace
the parent fixtures with sessions on it; after each test every ``ag_`` table is emptied.

Hypothesis profiles (``profiles.py``): ``--hypothesis-profile=long`` runs the random-schema
property test with 500 schemas per database; without a profile it runs a bounded number (see
``test_property_schemas.py``).
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL, MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from asyncfactories.autogen import relationships

from ..conftest import async_url_for
from . import profiles  # noqa: F401  # registers --hypothesis-profile=long
from .models import MYSQL_METADATA, PG_METADATA, AgBase, AgDataBase
from .shape_models import SHAPE_PG_METADATA, ShapeBase, ShapeDataBase


def metadatas(backend: str) -> list[MetaData]:
    """Every ``ag_`` metadata created on ``backend``."""
    extra = {"postgres": [PG_METADATA, SHAPE_PG_METADATA], "mysql": [MYSQL_METADATA]}.get(backend, [])
    return [AgBase.metadata, AgDataBase.metadata, ShapeBase.metadata, ShapeDataBase.metadata, *extra]


def aiomysql_cannot_send_bytes(url: URL) -> bool:
    """aiomysql 0.3.2 with PyMySQL >= 1.2.3 fails on any bytes parameter (aio-libs/aiomysql#1080)."""
    if url.get_driver_name() != "aiomysql":
        return False
    from pymysql import converters

    return not callable(getattr(converters, "escape_bytes_prefixed", None))


def ag_url(backend: str, folder: Path) -> str:
    """The async URL of ``backend``; on SQLite a file of our own, so no other test locks it."""
    return f"sqlite+aiosqlite:///{folder / 'ag.sqlite3'}" if backend == "sqlite" else async_url_for(backend, folder)


@pytest.fixture(scope="session")
async def ag_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AsyncEngine]:
    """An engine of our own: the ``ag_`` tables only, whatever else runs on the same server."""
    engine = create_async_engine(ag_url(backend, tmp_path_factory.mktemp("ag")))
    async with engine.begin() as connection:
        for metadata in metadatas(backend):
            await connection.run_sync(metadata.drop_all)
            await connection.run_sync(metadata.create_all)
    yield engine
    async with engine.begin() as connection:
        for metadata in reversed(metadatas(backend)):
            await connection.run_sync(metadata.drop_all)
    await engine.dispose()


async def empty_ag_tables(engine: AsyncEngine, backend: str) -> None:
    async with engine.begin() as connection:
        for metadata in metadatas(backend):
            for table in reversed(metadata.sorted_tables):
                # MariaDB checks a self-referencing key row by row: unlink the rows first.
                own = {c.name: None for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)}
                if own:
                    await connection.execute(table.update().values(own))
                await connection.execute(table.delete())


@pytest.fixture
async def session(ag_engine: AsyncEngine, backend: str) -> AsyncIterator[AsyncSession]:
    async with async_sessionmaker(ag_engine, expire_on_commit=False)() as session:
        yield session
    await empty_ag_tables(ag_engine, backend)


@pytest.fixture
async def fresh_session(ag_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A second session, to read rows back with a fresh query."""
    async with async_sessionmaker(ag_engine)() as session:
        yield session


@pytest.fixture(autouse=True)
def _factory_registry_per_test() -> Iterator[None]:
    """Factories a test defines stop being candidate defaults for their model after it."""
    defined = {model: set(factories) for model, factories in relationships._defined.items()}
    defaults = dict(relationships._defaults.items())
    yield
    with relationships._lock:
        relationships._defined.clear()
        relationships._defaults.clear()
        for model, factories in defined.items():
            relationships._defined[model] = weakref.WeakSet(factories)
        relationships._defaults.update(defaults)
