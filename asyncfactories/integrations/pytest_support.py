"""What the pytest plugin (``pytest_plugin.py``) is made of, kept free of pytest hooks.

- configuration: the database URL (``--af-database-url`` > ``ASYNCFACTORIES_DATABASE_URL`` > ini
  ``asyncfactories_database_url`` > a temporary SQLite file) and ``asyncfactories_metadata``;
- engines: an async engine with ``NullPool`` (a connection never outlives the event loop that
  opened it, so tests may use any loop scope), the matching sync engine, and real SQLite
  transactions (SQLAlchemy's recipe: no driver-side BEGIN, ours on ``begin``);
- rollback sessions: SQLAlchemy's "join an external transaction" recipe
  (``join_transaction_mode="create_savepoint"``), so ``commit()`` in the code under test only
  releases a SAVEPOINT and the test's rows vanish with the outer ROLLBACK;
- loop-following fixtures: an async fixture made once per event-loop runner (pytest-asyncio, one
  per loop scope, through its public ``pytest_asyncio.fixture(loop_scope=...)``; anyio), and a sync
  fixture that picks the variant running in the requesting test's own loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import importlib
import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

__all__ = [
    "DATABASE_URL_ENV",
    "DEFAULT_SEED",
    "async_url",
    "create_tables",
    "load_metadata",
    "fixture_context_reaches_test",
    "loop_following",
    "make_async_engine",
    "make_sync_engine",
    "metadata_list",
    "resolve_database_url",
    "rollback_session",
    "rollback_sync_session",
    "run_in_private_loop",
    "savepoint_session",
    "runner_variant",
    "seed_for_test",
    "sync_url",
    "takes_loop_scope",
    "temporary_sqlite_url",
]

T = TypeVar("T")

#: ``--af-seed`` when not given: every run seeds alike unless asked otherwise.
DEFAULT_SEED = 0
DATABASE_URL_ENV = "ASYNCFACTORIES_DATABASE_URL"

#: pytest-asyncio's loop scopes; one variant of each loop-following fixture per scope.
LOOP_SCOPES = ("function", "class", "module", "package", "session")

_DEFAULT_ASYNC_DRIVER = {"sqlite": "aiosqlite", "postgresql": "asyncpg", "mysql": "aiomysql", "mariadb": "aiomysql"}
_SYNC_DRIVER = {
    "aiosqlite": "pysqlite",
    "asyncpg": "psycopg",
    "psycopg": "psycopg",
    "psycopg_async": "psycopg",
    "aiomysql": "pymysql",
    "asyncmy": "pymysql",
}

# ----------------------------------------------------------------- configuration


def resolve_database_url(option: str | None, environ: Mapping[str, str], ini: str) -> str | None:
    """The configured URL, first found wins; None means "use a temporary SQLite file"."""
    for candidate in (option, environ.get(DATABASE_URL_ENV), ini):
        if candidate:
            return candidate
    return None


def temporary_sqlite_url(folder: Path) -> str:
    """A SQLite file for the run, shared by the async and the sync engine."""
    return f"sqlite+aiosqlite:///{folder / 'asyncfactories.sqlite3'}"


def load_metadata(spec: str) -> list[MetaData]:
    """Import ``package.module:Base.metadata`` (or ``:Base``) and return its ``MetaData``."""
    module_name, _, attribute_path = spec.strip().partition(":")
    if not module_name or not attribute_path:
        raise pytest.UsageError(
            f"asyncfactories_metadata = {spec!r}: expected 'package.module:Base.metadata' "
            f"(a module, a colon, then the attribute path of a MetaData)"
        )
    try:
        value: object = importlib.import_module(module_name)
        for attribute in attribute_path.split("."):
            value = getattr(value, attribute)
    except (ImportError, AttributeError) as exc:
        raise pytest.UsageError(f"asyncfactories_metadata = {spec!r}: {exc}; check the module and attribute") from exc
    return metadata_list(value, f"asyncfactories_metadata = {spec!r}")


def metadata_list(value: object, origin: str = "the af_metadata fixture") -> list[MetaData]:
    """Normalise what ``af_metadata`` gives: None, a MetaData, a declarative base, or several."""
    if value is None:
        return []
    if isinstance(value, MetaData):
        return [value]
    metadata = getattr(value, "metadata", None)  # a declarative base
    if isinstance(metadata, MetaData):
        return [metadata]
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return [item for entry in value for item in metadata_list(entry, origin)]
    raise pytest.UsageError(
        f"{origin} gave {value!r}: expected a sqlalchemy MetaData (Base.metadata), a declarative base, "
        f"a list of them, or None"
    )


# ----------------------------------------------------------------- engines


def async_url(url: str | URL) -> URL:
    """``url`` with an async driver: a bare ``postgresql://`` gets asyncpg, and so on."""
    parsed = make_url(url)
    if "+" not in parsed.drivername and parsed.drivername in _DEFAULT_ASYNC_DRIVER:
        return parsed.set(drivername=f"{parsed.drivername}+{_DEFAULT_ASYNC_DRIVER[parsed.drivername]}")
    return parsed


def sync_url(url: str | URL) -> URL:
    """The same database through the matching sync driver (aiosqlite → pysqlite, ...)."""
    parsed = make_url(url)
    driver = _SYNC_DRIVER.get(parsed.get_driver_name())
    if driver is None:
        raise pytest.UsageError(
            f"af_sync_session: no sync driver is known for {parsed.drivername!r} (known: "
            f"{', '.join(sorted(_SYNC_DRIVER))}); override the af_sync_session fixture"
        )
    return parsed.set(drivername=f"{parsed.get_backend_name()}+{driver}")


def _use_real_sqlite_transactions(engine: Engine) -> None:
    """SQLAlchemy's recipe: pysqlite/aiosqlite emit no BEGIN of their own, we emit it on begin.

    Without it a SAVEPOINT opened before the first write runs outside any transaction, and
    the outer ROLLBACK would not undo a ``commit()`` made by the code under test.
    """

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def make_async_engine(url: str | URL) -> AsyncEngine:
    """The plugin's engine: ``NullPool``, so no connection is reused in another event loop."""
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    if engine.dialect.name == "sqlite":
        _use_real_sqlite_transactions(engine.sync_engine)
    return engine


def make_sync_engine(url: str | URL) -> Engine:
    """A synchronous engine on the database of ``url``."""
    engine = create_engine(sync_url(url))
    if engine.dialect.name == "sqlite":
        _use_real_sqlite_transactions(engine)
    return engine


def run_in_private_loop(make_coroutine: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion in a fresh event loop on a worker thread.

    Session-scoped setup must not use (or close, or replace) the event loop of the tests.
    """

    async def main() -> T:
        return await make_coroutine()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="asyncfactories") as pool:
        return pool.submit(asyncio.run, main()).result()


def create_tables(engine: AsyncEngine, metadatas: list[MetaData]) -> None:
    """``create_all`` (existing tables are kept) for every MetaData, in one transaction."""
    if not metadatas:
        return

    async def create() -> None:
        async with engine.begin() as connection:
            for metadata in metadatas:
                await connection.run_sync(metadata.create_all)

    run_in_private_loop(create)


# ----------------------------------------------------------------- rollback sessions


@asynccontextmanager
async def rollback_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """An ``AsyncSession`` inside a transaction that is rolled back at the end, commits or not."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            await session.close()
            if transaction.is_active:
                await transaction.rollback()


@asynccontextmanager
async def savepoint_session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """An ``AsyncSession`` on ``connection`` inside a SAVEPOINT rolled back at the end, commits or not."""
    savepoint = await connection.begin_nested()
    session = AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        await session.close()
        if savepoint.is_active:
            await savepoint.rollback()


@contextmanager
def rollback_sync_session(engine: Engine) -> Iterator[Session]:
    """The same for a synchronous ``Session``."""
    with engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            if transaction.is_active:
                transaction.rollback()


# ----------------------------------------------------------------- seeds and sequences


def seed_for_test(base: int, nodeid: str) -> int:
    """The seed of one test: stable for a node id, whatever else runs."""
    digest = hashlib.blake2b(f"{base}:{nodeid}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big")


# ----------------------------------------------------------------- loop-following fixtures


def _default_test_loop_scope(config: pytest.Config) -> str:
    """pytest-asyncio's ``asyncio_default_test_loop_scope`` ini (0.24 and newer), else "function"."""
    try:
        value = config.getini("asyncio_default_test_loop_scope")
    except ValueError:  # pytest-asyncio before 0.24 does not register this ini key
        return "function"
    return str(value or "function")


AsyncFixtureImpl = Callable[..., AbstractAsyncContextManager[Any]]


def runner_variant(request: pytest.FixtureRequest) -> str | None:
    """Which event loop runs the requesting test: ``asyncio_<loop scope>``, ``anyio`` or None.

    pytest-asyncio runs every test carrying its ``asyncio`` marker (in auto mode it marks every
    coroutine test, anyio's included), so the marker is looked at first.
    """
    test = getattr(request, "_pyfuncitem", request.node)  # the test, also for a module fixture's request
    marker = test.get_closest_marker("asyncio")
    if marker is not None and request.config.pluginmanager.has_plugin("asyncio"):
        scope = marker.kwargs.get("loop_scope") or marker.kwargs.get("scope")
        return f"asyncio_{scope or _default_test_loop_scope(request.config)}"
    if "anyio_backend" in request.fixturenames:
        return "anyio"
    return None


def _async_fixture_function(impl: AsyncFixtureImpl, name: str) -> Callable[..., AsyncIterator[Any]]:
    """An async generator fixture function with ``impl``'s parameters (its fixture names)."""

    async def fixture_function(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async with impl(*args, **kwargs) as value:
            yield value

    # pytest reads the fixture's dependencies from the signature; typeshed's function type has
    # no __signature__ attribute, though inspect.signature() reads it.
    fixture_function.__signature__ = inspect.signature(impl)  # type: ignore[attr-defined]
    fixture_function.__name__ = fixture_function.__qualname__ = name
    fixture_function.__module__ = impl.__module__
    fixture_function.__doc__ = impl.__doc__
    return fixture_function


def _asyncio_fixture_decorator() -> Callable[..., Any] | None:
    try:
        from pytest_asyncio import fixture
    except ImportError:  # pragma: no cover - pytest-asyncio is optional
        return None
    return fixture


def loop_following(
    name: str, impl: AsyncFixtureImpl, runners: tuple[str, ...] = ("anyio", "asyncio")
) -> dict[str, Any]:
    """Fixture definitions ``name__<runner>`` running ``impl`` in each kind of test loop.

    The ``asyncio_<scope>`` variants are ``pytest_asyncio.fixture(loop_scope=scope)``; the
    ``anyio`` variant is a plain async fixture, which anyio's plugin runs for anyio tests.
    ``getfixturevalue(f"{name}__{runner_variant(request)}")`` then runs ``impl`` in the
    requesting test's own event loop, whatever loop scope the test uses.
    """
    definitions: dict[str, Any] = {}
    if "anyio" in runners:
        variant = f"{name}__anyio"
        definitions[variant] = pytest.fixture(_async_fixture_function(impl, variant), name=variant)
    asyncio_fixture = _asyncio_fixture_decorator()
    if "asyncio" in runners and asyncio_fixture is not None:
        for scope in LOOP_SCOPES:
            variant = f"{name}__asyncio_{scope}"
            definitions[variant] = _asyncio_variant(asyncio_fixture, impl, variant, scope)
    return definitions


def takes_loop_scope(asyncio_fixture: Callable[..., Any]) -> bool:
    """Whether this pytest-asyncio's ``fixture`` has ``loop_scope=`` (0.24 and newer)."""
    try:
        return "loop_scope" in inspect.signature(asyncio_fixture).parameters
    except (TypeError, ValueError):  # pragma: no cover - a decorator without a signature
        return False


def _asyncio_variant(asyncio_fixture: Callable[..., Any], impl: AsyncFixtureImpl, variant: str, scope: str) -> Any:
    """The ``asyncio_<scope>`` variant of a loop-following fixture.

    pytest-asyncio before 0.24 has no ``loop_scope=``: its async fixtures run in the test's
    ``event_loop``, so the ``function`` variant is a plain ``pytest_asyncio.fixture``, and the
    other scopes fail with one clear message when a test asks for them (never at plugin load).
    """
    if takes_loop_scope(asyncio_fixture):
        return asyncio_fixture(_async_fixture_function(impl, variant), loop_scope=scope, name=variant)
    if scope == "function":
        return asyncio_fixture(_async_fixture_function(impl, variant), name=variant)
    return pytest.fixture(_unsupported_loop_scope(variant, scope), name=variant)


def _unsupported_loop_scope(variant: str, scope: str) -> Callable[[], None]:
    public = variant.split("__", 1)[0].lstrip("_")

    def unsupported() -> None:
        pytest.fail(
            f"{public} runs in the test's event loop, and this test runs in a {scope}-scoped loop: "
            f"pytest-asyncio {_asyncio_version()} gives async fixtures only the test's own function "
            f"loop; use function-scoped loops for tests that use {public}, or upgrade to "
            f'pytest-asyncio >= 0.24 (pip install "pytest-asyncio>=0.24")',
            pytrace=False,
        )

    return unsupported


def fixture_context_reaches_test() -> bool:
    """Whether context variables an async fixture sets reach the test (pytest-asyncio >= 0.25, anyio).

    Before 0.25, pytest-asyncio runs each fixture step in a task of its own, so a binding made
    there is lost; the plugin binds in the sync wrapper fixture instead, whose context the test's
    task copies.
    """
    if _asyncio_fixture_decorator() is None:
        return True
    major, minor = (int(part) for part in re.findall(r"\d+", _asyncio_version())[:2] or (0, 0))
    return (major, minor) >= (0, 25)  # 0.25 carries fixtures' context variables into the test


def _asyncio_version() -> str:
    try:
        from importlib.metadata import version

        return version("pytest-asyncio")
    except Exception:  # pragma: no cover - metadata missing in an odd install
        return "(unknown version)"
