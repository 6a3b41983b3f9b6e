"""Real databases for the test suite.

SQLite (aiosqlite / pysqlite, one file shared by both) always runs. PostgreSQL (asyncpg /
psycopg) and MariaDB (asyncmy or aiomysql / pymysql) run when ``ASYNCFACTORIES_TEST_POSTGRES_URL`` /
``ASYNCFACTORIES_TEST_MYSQL_URL`` are set (``.ci/run`` sets them when the servers answer);
otherwise their tests are skipped with a visible reason.

Fixtures:

- ``backend``: the name of the database under test ("sqlite", "postgres", "mysql").
- ``engine`` / ``sync_engine``: engines with the tables of ``tests.models`` created once.
- ``session`` / ``sync_session``: a plain session; every table is emptied after the test, so
  tests may commit.
- ``statements``: records the SQL sent through ``engine`` (see ``StatementLog``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

from .autogen import profiles as _hypothesis_profiles  # noqa: F401  # registers --hypothesis-profile=long
from .models import Base

POSTGRES_ENV = "ASYNCFACTORIES_TEST_POSTGRES_URL"
MYSQL_ENV = "ASYNCFACTORIES_TEST_MYSQL_URL"


def _sync_url(async_url: str) -> str:
    url = make_url(async_url)
    driver = {"aiosqlite": "pysqlite", "asyncpg": "psycopg", "aiomysql": "pymysql", "asyncmy": "pymysql"}
    return url.set(drivername=f"{url.get_backend_name()}+{driver[url.get_driver_name()]}").render_as_string(
        hide_password=False
    )


def _backend_params() -> list[Any]:
    params: list[Any] = [pytest.param("sqlite", id="sqlite")]
    for name, env in (("postgres", POSTGRES_ENV), ("mysql", MYSQL_ENV)):
        reason = f"{env} is not set: {name} tests need a running server (.ci/run sets it when one answers)"
        params.append(pytest.param(name, id=name, marks=[getattr(pytest.mark, name), pytest.mark.skipif(
            not os.environ.get(env), reason=reason)]))
    return params


@pytest.fixture(scope="session")
def sqlite_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("db") / "tests.sqlite3"


def async_url_for(backend: str, sqlite_path: Path) -> str:
    """The async URL of ``backend`` (the SQLite file is shared by the whole run)."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{sqlite_path}"
    return os.environ[POSTGRES_ENV if backend == "postgres" else MYSQL_ENV]


@pytest.fixture(scope="session", params=_backend_params())
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="session")
async def engine(backend: str, sqlite_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(async_url_for(backend, sqlite_path))
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
    await engine.dispose()


@pytest.fixture(scope="session")
def sync_engine(engine: AsyncEngine) -> Iterator[Engine]:
    sync = create_engine(_sync_url(engine.url.render_as_string(hide_password=False)))
    yield sync
    sync.dispose()


async def _empty_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        yield session
    await _empty_tables(engine)


@pytest.fixture
async def fresh_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A second session on the same database, to read rows back with a fresh query."""
    async with async_sessionmaker(engine)() as session:
        yield session


@pytest.fixture
def sync_session(sync_engine: Engine, engine: AsyncEngine) -> Iterator[Session]:
    with sessionmaker(sync_engine, expire_on_commit=False)() as session:
        yield session
    with sync_engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@dataclass
class StatementLog:
    """SQL statements sent through an engine while recording, plus COMMITs."""

    statements: list[str] = field(default_factory=list)
    executemany: list[bool] = field(default_factory=list)

    def count(self, verb: str) -> int:
        """How many statements start with ``verb`` (INSERT, SELECT, COMMIT, SAVEPOINT, ...)."""
        return sum(1 for sql in self.statements if sql.lstrip().upper().startswith(verb.upper()))

    def clear(self) -> None:
        self.statements.clear()
        self.executemany.clear()


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[StatementLog]:
    log = StatementLog()
    sync = engine.sync_engine

    def on_execute(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        log.statements.append(statement)
        log.executemany.append(executemany)

    def on_commit(conn: Any) -> None:
        log.statements.append("COMMIT")

    event.listen(sync, "before_cursor_execute", on_execute)
    event.listen(sync, "commit", on_commit)
    yield log
    event.remove(sync, "before_cursor_execute", on_execute)
    event.remove(sync, "commit", on_commit)
