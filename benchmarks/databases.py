"""Database URLs, engines, table resets, row counts and the statement counter.

Every benchmark process gets two engines on the same database: the *benchmark* engine (async
or sync, depending on the library) whose statements are counted, and an *admin* engine
(synchronous, no pool) that resets the tables and counts rows with a fresh connection.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from .schema import Base, posts_table, users_table

__all__ = ["DATABASES", "StatementCounter", "async_url", "clear_tables", "count_rows", "dispose",
           "remove_default_sqlite", "sqlite_path", "sync_url"]

DATABASES = ("sqlite", "postgres", "mysql")
_DEFAULT_URLS = {
    "postgres": "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
    "mysql": "mysql+aiomysql://root@127.0.0.1:3306/test",
}
_SYNC_DRIVERS = {"aiosqlite": "pysqlite", "asyncpg": "psycopg", "aiomysql": "pymysql", "asyncmy": "pymysql"}
#: On tmpfs where there is one: the file then measures the libraries, not the disk's fsync (20 ms
#: per COMMIT on the VM of docs/performance.md). BENCH_SQLITE_PATH puts it on a disk instead.
_SQLITE_DIR = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(os.environ.get("TMPDIR", "/tmp"))
_DEFAULT_SQLITE = _SQLITE_DIR / "asyncfactories-bench" / "bench.sqlite3"


def sqlite_path() -> Path:
    return Path(os.environ.get("BENCH_SQLITE_PATH", _DEFAULT_SQLITE))


def remove_default_sqlite() -> None:
    """Delete the default SQLite file at the end of a run (never a ``BENCH_SQLITE_PATH`` one)."""
    if "BENCH_SQLITE_PATH" not in os.environ:
        _DEFAULT_SQLITE.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: someone else's files
            _DEFAULT_SQLITE.parent.rmdir()


def async_url(database: str) -> str:
    """The async URL of ``database``; ``BENCH_POSTGRES_URL`` / ``BENCH_MYSQL_URL`` / ``BENCH_SQLITE_PATH`` override."""
    if database == "sqlite":
        sqlite_path().parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{sqlite_path()}"
    return os.environ.get(f"BENCH_{database.upper()}_URL", _DEFAULT_URLS[database])


def sync_url(database: str) -> str:
    """The same database through the synchronous driver (pysqlite, psycopg, pymysql)."""
    url = make_url(async_url(database))
    driver = _SYNC_DRIVERS[url.get_driver_name()]
    return url.set(drivername=f"{url.get_backend_name()}+{driver}").render_as_string(hide_password=False)


def admin_engine(database: str) -> Engine:
    """A synchronous engine without a pool: every reset and count uses a fresh connection."""
    return create_engine(sync_url(database), poolclass=NullPool)


def benchmark_engine(database: str, asynchronous: bool) -> AsyncEngine | Engine:
    """The engine a library writes through."""
    if asynchronous:
        return create_async_engine(async_url(database))
    return create_engine(sync_url(database))


async def dispose(engine: AsyncEngine | Engine) -> None:
    """Close the pool of either kind of engine."""
    if isinstance(engine, AsyncEngine):
        await engine.dispose()
    else:
        engine.dispose()


def create_tables(admin: Engine) -> None:
    """Drop and create the ``bench_`` tables (before the benchmark engine connects)."""
    Base.metadata.drop_all(admin)
    Base.metadata.create_all(admin)


def drop_tables(admin: Engine) -> None:
    Base.metadata.drop_all(admin)


def clear_tables(admin: Engine) -> None:
    """Empty both tables and restart their ids, without changing the schema.

    TRUNCATE rather than DROP/CREATE: asyncpg caches prepared statements per connection, and a
    schema change would invalidate them in the middle of a timed run.
    """
    with admin.begin() as connection:
        dialect = connection.dialect.name
        if dialect == "postgresql":
            connection.exec_driver_sql(f"TRUNCATE {posts_table.name}, {users_table.name} RESTART IDENTITY")
        elif dialect in ("mysql", "mariadb"):
            connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
            connection.exec_driver_sql(f"TRUNCATE {posts_table.name}")
            connection.exec_driver_sql(f"TRUNCATE {users_table.name}")
            connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 1")
        else:
            connection.exec_driver_sql(f"DELETE FROM {posts_table.name}")
            connection.exec_driver_sql(f"DELETE FROM {users_table.name}")


def count_rows(admin: Engine) -> tuple[int, int]:
    """``(users, posts)`` as the database holds them, read through a new connection."""
    with admin.connect() as connection:
        users = connection.execute(select(func.count()).select_from(users_table)).scalar_one()
        posts = connection.execute(select(func.count()).select_from(posts_table)).scalar_one()
    return users, posts


@dataclass
class StatementCounter:
    """Counts what an engine sends: statements by first keyword (INSERT, SELECT, SAVEPOINT…) and COMMITs.

    An ``executemany`` counts once, as does each batch of SQLAlchemy's "insertmanyvalues".
    """

    counts: Counter[str] = field(default_factory=Counter)

    def attach(self, engine: AsyncEngine | Engine) -> None:
        sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
        event.listen(sync_engine, "before_cursor_execute", self._on_execute)
        event.listen(sync_engine, "commit", self._on_commit)

    def reset(self) -> None:
        self.counts.clear()

    def snapshot(self) -> dict[str, int]:
        return dict(self.counts)

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        words = statement.split(None, 1)
        self.counts[words[0].upper() if words else "?"] += 1

    def _on_commit(self, _conn: Any) -> None:
        self.counts["COMMIT"] += 1
