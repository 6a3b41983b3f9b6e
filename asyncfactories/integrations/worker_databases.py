"""One database per pytest-xdist worker, as pytest-django gives its test databases.

Under xdist (``pytest -n 4``, or ``--tx`` across machines) every worker would otherwise share
the configured database, and tests that commit would collide. Each worker gets its own instead:

- PostgreSQL, MariaDB / MySQL: ``<database>_<run>_<worker>``, created (with the tables) when the
  worker starts and dropped when it ends. ``<run>`` is the start of xdist's id of the run, shared
  by all its workers on every host, so runs that share a server never meet. With
  ``--af-reuse-db`` the name is ``<database>_<worker>``, kept after the run and reused by the
  next one (its tables kept, as ``create_all`` keeps them).
- SQLite: a file per worker (the temporary file of the run is one per worker already).

Without xdist nothing changes: the configured database is used as it is.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import URL, Connection, make_url, text
from sqlalchemy.exc import OperationalError

from .pytest_support import make_sync_engine

__all__ = ["worker_database", "worker_database_name"]

_NAME_LIMIT = 63  # PostgreSQL's identifier limit (MySQL's is 64)
_CREATE_ATTEMPTS = 20


def _worker() -> str | None:
    return os.environ.get("PYTEST_XDIST_WORKER")


def worker_database_name(database: str, worker: str, run: str | None, *, reuse: bool) -> str:
    """``test_1a2b3c_gw0`` (or ``test_gw0`` when reused): a worker's database name."""
    tag = worker if reuse or not run else f"{re.sub(r'[^0-9a-z]', '', run.lower())[:6]}_{worker}"
    return f"{database[: _NAME_LIMIT - len(tag) - 1]}_{tag}"


@contextmanager
def worker_database(url: str, *, reuse: bool) -> Iterator[str]:
    """The URL this worker uses for ``url``: its own database under xdist, else ``url`` itself."""
    worker = _worker()
    parsed = make_url(url)
    if worker is None or parsed.get_backend_name() == "sqlite" or not parsed.database:
        yield url  # no xdist, or SQLite (a file per worker already: see the module docstring)
        return
    name = worker_database_name(parsed.database, worker, os.environ.get("PYTEST_XDIST_TESTRUNUID"), reuse=reuse)
    _create(parsed, name)
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        if not reuse:
            _drop(parsed, name)


def _create(parsed: URL, name: str) -> None:
    with _server(parsed) as connection:
        if parsed.get_backend_name() != "postgresql":
            connection.execute(text(f"CREATE DATABASE IF NOT EXISTS `{name}`"))
            return
        if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            return  # reused
        for attempt in range(_CREATE_ATTEMPTS):
            try:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                return
            except OperationalError as error:  # another worker is copying template1 right now
                if "being accessed by other users" not in str(error) or attempt == _CREATE_ATTEMPTS - 1:
                    raise
                time.sleep(0.1 * (attempt + 1))


def _drop(parsed: URL, name: str) -> None:
    with _server(parsed) as connection:
        if parsed.get_backend_name() == "postgresql":
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))


@contextmanager
def _server(parsed: URL) -> Iterator[Connection]:
    """A connection outside any transaction (CREATE / DROP DATABASE need that), to ``parsed``."""
    engine = make_sync_engine(parsed).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()
