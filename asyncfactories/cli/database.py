"""Database URLs for the command line: parsing, async drivers, hidden passwords, engines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import URL, MetaData, event, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from ..integrations.urls import display_url, scrub_secrets
from .errors import CliError

__all__ = ["DEFAULT_SEED_URL", "connect_engine", "create_tables", "display", "parse_url"]

#: ``seed`` writes to a SQLite file in the current folder unless ``--url`` says otherwise.
DEFAULT_SEED_URL = "sqlite+aiosqlite:///asyncfactories.sqlite3"

#: The async driver used when a URL names none (``postgresql://`` → asyncpg).
_ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg", "mysql": "asyncmy", "mariadb": "asyncmy"}
_SYNC_DRIVERS = {"pysqlite", "psycopg2", "psycopg", "pymysql", "mysqldb", "mysqlconnector", "pg8000"}


def parse_url(text: str) -> URL:
    """Parse ``text``; a URL without an async driver gets the usual one for its database."""
    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as error:
        # Not echoed: a URL that does not parse may still hold a password.
        detail = "the port must be a number; " if isinstance(error, ValueError) else ""
        example = "postgresql://user:password@host:5432/dbname"
        raise CliError(f"malformed database URL: {detail}expected e.g. {example}") from None
    try:
        backend, driver = url.get_backend_name(), url.get_driver_name()
    except NoSuchModuleError:
        raise CliError(
            f"unknown database {url.get_backend_name()!r} in {display(url)}: use postgresql://, mysql://, "
            f"mariadb:// or sqlite:///path (with an async driver, e.g. postgresql+asyncpg://)"
        ) from None
    if (not driver or driver == url.get_backend_name() or driver in _SYNC_DRIVERS) and backend in _ASYNC_DRIVERS:
        url = url.set(drivername=f"{backend}+{_ASYNC_DRIVERS[backend]}")
    return url


#: The URL as shown to a person, and a driver's message with the URL's secrets removed.
display, scrub = display_url, scrub_secrets


def _enable_sqlite_savepoints(engine: AsyncEngine) -> None:
    """pysqlite/aiosqlite only BEGIN before DML; emit BEGIN ourselves so SAVEPOINTs nest.

    The recipe from SQLAlchemy's SQLite documentation ("Serializable isolation / Savepoints").
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


#: How each PostgreSQL driver plans every statement with its own values, for the whole connection.
_CUSTOM_PLANS: dict[str, dict[str, Any]] = {
    "asyncpg": {"server_settings": {"plan_cache_mode": "force_custom_plan"}},
    "psycopg": {"options": "-c plan_cache_mode=force_custom_plan"},
}


def _custom_plans(engine: AsyncEngine, url: URL) -> dict[str, Any] | None:
    """PostgreSQL 12+: the ``connect_args`` that plan every statement with its own values.

    PostgreSQL keeps a prepared statement's generic plan once it has run five times, made with
    the statistics of that moment: the lookups of taken values a seed sends, planned while its
    table was nearly empty, would scan the whole table ever after (at 60,000 users, 1,700 rows/s
    instead of 9,000). A seed's tables grow by the chunk, so its statements are planned each time.
    """
    version = engine.dialect.server_version_info or ()
    arguments = _CUSTOM_PLANS.get(url.get_driver_name())
    if url.get_backend_name() != "postgresql" or tuple(version) < (12,):
        return None
    return arguments


async def _first_connection(engine: AsyncEngine, url: URL) -> None:
    try:
        async with engine.connect():
            pass
    except (SQLAlchemyError, OSError, TimeoutError) as error:
        await engine.dispose()
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise CliError(f"cannot connect to {display(url)}: {scrub(first_line, url)}") from error


async def connect_engine(url: URL, **options: Any) -> AsyncEngine:
    """An engine for ``url`` whose database answered a first connection."""
    try:
        engine = create_async_engine(url, **options)
    except (NoSuchModuleError, ArgumentError, ImportError) as error:
        raise CliError(f"cannot use {display(url)}: {scrub(str(error), url)}") from error
    if url.get_backend_name() == "sqlite":
        _enable_sqlite_savepoints(engine)
    await _first_connection(engine, url)
    settings = _custom_plans(engine, url)
    if settings is not None:
        await engine.dispose()
        connect_args = {**options.pop("connect_args", {}), **settings}
        engine = create_async_engine(url, connect_args=connect_args, **options)
        await _first_connection(engine, url)
    return engine


async def create_tables(engine: AsyncEngine, metadatas: list[MetaData]) -> None:
    """Create the tables of every given MetaData that do not exist yet."""
    async with engine.begin() as connection:
        for metadata in metadatas:
            await connection.run_sync(metadata.create_all)
