"""The pytest plugin (see docs/guides/pytest.md), loaded through the ``pytest11`` entry point ``asyncfactories``.

Configuration, first found wins: ``--af-database-url``, ``ASYNCFACTORIES_DATABASE_URL``, ini
``asyncfactories_database_url``, else a temporary SQLite file for the run. Ini
``asyncfactories_metadata = package.module:Base.metadata`` (or an ``af_metadata`` fixture) names
the tables to create, once per run (``create_all``: existing tables are kept, none is dropped).

Fixtures:

- ``af_metadata`` (session): the MetaData whose tables ``af_engine`` creates; override it.
- ``af_engine`` (session): the ``AsyncEngine`` (``NullPool``), tables created.
- ``af_session``: an ``AsyncSession`` in a transaction rolled back after the test, even when the
  code under test commits; every factory is bound to it for the test (``bind_session``).
- ``af_sync_session``: the same through the matching sync driver.
- ``register_fixture(UserFactory)`` adds ``user_factory`` and ``user`` (one created instance).
- ``@shared_data(scope="module")`` on an async function: its data created once per module (class,
  package, session) in an outer transaction, each test in a SAVEPOINT of its own.

``--af-prof`` / ``--af-prof-json FILE``: after the run, the factories' creates, cascades, rows and
time, the tests that spent most in factories and the heaviest cascade.

Every test is seeded from ``--af-seed`` and its node id, with every factory sequence restarted;
a failing test's report shows its seed.

The async fixtures run in the requesting test's own event loop: each exists once per runner
(``_pytest_support.loop_following``: pytest-asyncio per loop scope, anyio), and the public
fixture picks the one matching the test. Bindings made by async fixtures reach the test under
both runners (pytest-asyncio copies a fixture's context changes into the test's context; anyio
runs fixtures and tests in one task), so the library needs no fallback beyond its context
variable. A sync fixture's binding does not reach an anyio test's task, so ``af_sync_session``
re-binds inside anyio's task for anyio tests.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Generator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from .autogen import reset_unique_values
from .definition.call_context import avoid_taken_values
from .exceptions import SessionNotBoundError
from .integrations.counter_floor import restart_sequences
from .integrations.fixture_registry import close_registration, open_registration, register_fixture, variant_for
from .integrations.profiling_plugin import ProfilerPlugin
from .integrations.pytest_support import (
    DEFAULT_SEED,
    create_tables,
    fixture_context_reaches_test,
    load_metadata,
    loop_following,
    make_async_engine,
    make_sync_engine,
    metadata_list,
    resolve_database_url,
    rollback_session,
    rollback_sync_session,
    run_in_private_loop,
    runner_variant,
    savepoint_session,
    seed_for_test,
    temporary_sqlite_url,
)
from .integrations.shared_data import restore_floor, shared_connection, shared_data
from .integrations.urls import display_url
from .integrations.worker_databases import worker_database
from .persisting.session import bind_session
from .persisting.tracking import CreatedRows, tracking
from .seeding import seed

__all__ = ["af_engine", "af_metadata", "af_session", "af_sync_session", "register_fixture", "shared_data"]

_SEED_KEY = pytest.StashKey[int]()
_SYNC_SESSION_KEY = pytest.StashKey[Session]()
_SHARED_CONNECTION_KEY = pytest.StashKey[AsyncConnection]()

# ----------------------------------------------------------------- hooks


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--af-database-url``, ``--af-seed`` and the ``asyncfactories_*`` ini keys."""
    group = parser.getgroup("asyncfactories", "asyncfactories test data")
    group.addoption(
        "--af-database-url",
        dest="af_database_url",
        default=None,
        metavar="URL",
        help="database of af_engine/af_session (before $ASYNCFACTORIES_DATABASE_URL and the ini key; "
        "default: a temporary SQLite file)",
    )
    group.addoption(
        "--af-seed",
        dest="af_seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="N",
        help=f"base seed; each test is seeded from it and its node id (default: {DEFAULT_SEED})",
    )
    group.addoption(
        "--af-reuse-db",
        dest="af_reuse_db",
        action="store_true",
        help="under pytest-xdist, keep each worker's database (<db>_gw0, ...) for the next run",
    )
    group.addoption(
        "--af-prof",
        dest="af_prof",
        action="store_true",
        help="after the run, show per factory its creates (by calls and by cascades), rows and time, the ten "
        "tests that spent most time in factories and the heaviest cascade",
    )
    group.addoption(
        "--af-prof-json",
        dest="af_prof_json",
        default=None,
        metavar="FILE",
        help="write the --af-prof report to FILE as JSON (profiles even without --af-prof)",
    )
    parser.addini("asyncfactories_database_url", "database URL of af_engine (after the option and the env var)")
    parser.addini(
        "asyncfactories_avoid_taken_values",
        "move generated unique values past those the tables already hold (avoid_taken_values())",
        type="bool",
        default=False,
    )
    parser.addini("asyncfactories_metadata", "tables to create: package.module:Base.metadata")


def pytest_configure(config: pytest.Config) -> None:
    """``--af-prof`` / ``--af-prof-json``: the profiler's hooks join the run (and only then)."""
    if config.getoption("af_prof") or config.getoption("af_prof_json"):
        config.pluginmanager.register(ProfilerPlugin(config), "asyncfactories-profiler")


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Generator[None, None, None]:
    """``register_fixture`` in the initial conftests (and their ``pytest_plugins``) adds fixtures."""
    open_registration(early_config.pluginmanager)
    try:
        return (yield)
    finally:
        close_registration(early_config.pluginmanager)


def pytest_sessionstart(session: pytest.Session) -> None:
    """From here to the end of collection, conftests and test modules may register fixtures."""
    open_registration(session.config.pluginmanager)
    if session.config.getini("asyncfactories_avoid_taken_values"):
        avoid_taken_values(True)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Collected items keep the fixtures they have: later ``register_fixture`` calls do nothing."""
    close_registration(session.config.pluginmanager)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In case collection never finished."""
    close_registration(session.config.pluginmanager)


def _configured_url(config: pytest.Config) -> str | None:
    return resolve_database_url(
        config.getoption("af_database_url"), os.environ, str(config.getini("asyncfactories_database_url"))
    )


def pytest_report_header(config: pytest.Config) -> str:
    """One header line: the database (password and secret query values hidden) and the base seed."""
    url = _configured_url(config)
    try:
        shown = display_url(make_url(url)) if url else "a temporary SQLite file"
    except ArgumentError:
        shown = "an invalid URL"
    return f"asyncfactories: database={shown}, seed={config.getoption('af_seed')}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Add the test's seed to the report of a failing test."""
    report: pytest.TestReport = yield
    value = item.stash.get(_SEED_KEY, None)
    if report.failed and value is not None:
        base = item.config.getoption("af_seed")
        report.sections.append(
            ("asyncfactories", f"asyncfactories seed: {value} (from --af-seed={base} and the test's node id)")
        )
    if report.failed and _unbound_anyio_test_under_auto_mode(item, call):
        report.sections.append(("asyncfactories", ANYIO_UNDER_AUTO_MODE))
    return report


#: Added to the report of an anyio test that found no session while pytest-asyncio is in auto mode.
ANYIO_UNDER_AUTO_MODE = (
    "asyncfactories: this test is marked anyio while pytest-asyncio runs in auto mode "
    "(asyncio_mode = auto), so both plugins claim the test and its async fixtures, and a session "
    "bound by af_session or by your own async fixture may not reach the test. Set asyncio_mode = strict (and mark "
    "pytest-asyncio's tests with @pytest.mark.asyncio), or drop the anyio marker and let "
    "pytest-asyncio run the test."
)


def _unbound_anyio_test_under_auto_mode(item: pytest.Item, call: pytest.CallInfo[None]) -> bool:
    unbound = call.excinfo is not None and call.excinfo.errisinstance(SessionNotBoundError)
    return unbound and item.get_closest_marker("anyio") is not None and _asyncio_mode(item.config) == "auto"


def _asyncio_mode(config: pytest.Config) -> str | None:
    """pytest-asyncio's mode (``auto`` / ``strict``), or None without pytest-asyncio."""
    if not config.pluginmanager.has_plugin("asyncio"):
        return None
    mode = config.getoption("asyncio_mode", None) or config.getini("asyncio_mode")
    return str(getattr(mode, "value", mode))


# ----------------------------------------------------------------- per-test seed


@pytest.fixture(autouse=True)
def _af_reseed(request: pytest.FixtureRequest) -> None:
    """Seed this test from ``--af-seed`` and its node id; restart every factory sequence and
    the counters behind generated unique values, so a test builds the same data alone or in a
    full run (its rows are rolled back, so restarting cannot collide)."""
    value = seed_for_test(request.config.getoption("af_seed"), request.node.nodeid)
    request.node.stash[_SEED_KEY] = value
    seed(value)
    restart_sequences()
    reset_unique_values()
    restore_floor(request)  # with shared data: continue after it


# ----------------------------------------------------------------- engines


@pytest.fixture(scope="session")
def af_metadata(pytestconfig: pytest.Config) -> MetaData | list[MetaData] | None:
    """The tables ``af_engine`` creates: ini ``asyncfactories_metadata``, else none.

    Override it in ``conftest.py`` to return ``Base.metadata`` (or a list of them).
    """
    spec = str(pytestconfig.getini("asyncfactories_metadata"))
    if not spec:
        return None
    metadatas = load_metadata(spec)
    return metadatas[0] if len(metadatas) == 1 else metadatas


@pytest.fixture(scope="session")
def af_engine(
    pytestconfig: pytest.Config, af_metadata: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AsyncEngine]:
    """The ``AsyncEngine`` of the run (of this worker, under pytest-xdist), its tables created once.

    ``NullPool``: each connection is opened in the event loop that uses it, so tests may
    use any loop scope.
    """
    url = _configured_url(pytestconfig) or temporary_sqlite_url(tmp_path_factory.mktemp("asyncfactories"))
    # Under pytest-xdist, a database of this worker's own (docs/guides/pytest.md#pytest-xdist).
    with worker_database(url, reuse=bool(pytestconfig.getoption("af_reuse_db"))) as worker_url:
        engine = make_async_engine(worker_url)
        try:
            create_tables(engine, metadata_list(af_metadata))
            yield engine
        finally:
            run_in_private_loop(engine.dispose)


@pytest.fixture(scope="session")
def _af_sync_engine(af_engine: AsyncEngine) -> Iterator[Engine]:
    """The database of ``af_engine`` through its sync driver (tables created by ``af_engine``)."""
    engine = make_sync_engine(af_engine.url)
    yield engine
    engine.dispose()


# ----------------------------------------------------------------- sessions


def _test_session(request: pytest.FixtureRequest, af_engine: AsyncEngine) -> AbstractAsyncContextManager[AsyncSession]:
    """A rollback session on a connection of its own, or in a SAVEPOINT beside the test's shared data."""
    connection = request.node.stash.get(_SHARED_CONNECTION_KEY, None)
    return rollback_session(af_engine) if connection is None else savepoint_session(connection)


@asynccontextmanager
async def _bound_rollback_session(
    request: pytest.FixtureRequest, af_engine: AsyncEngine
) -> AsyncIterator[AsyncSession]:
    """``af_session`` in the test's event loop, bound there (anyio: the binding reaches the test)."""
    async with _test_session(request, af_engine) as session:
        with bind_session(session):
            yield session


@asynccontextmanager
async def _asyncio_rollback_session(
    request: pytest.FixtureRequest, af_engine: AsyncEngine
) -> AsyncIterator[AsyncSession]:
    """``af_session`` for pytest-asyncio, bound here only where the fixture's context reaches the test."""
    if fixture_context_reaches_test():
        async with _bound_rollback_session(request, af_engine) as session:
            yield session
        return
    async with _test_session(request, af_engine) as session:
        yield session


globals().update(loop_following("_af_session", _bound_rollback_session, runners=("anyio",)))
globals().update(loop_following("_af_session", _asyncio_rollback_session, runners=("asyncio",)))


@pytest.fixture
def af_session(request: pytest.FixtureRequest) -> Iterator[AsyncSession]:
    """An ``AsyncSession`` in a transaction rolled back after the test, even if the code commits.

    Every factory is bound to it for the test: ``await UserFactory.create()`` needs no session.
    ``expire_on_commit=False``: attributes stay readable after a commit.
    """
    variant = variant_for(request, "_af_session", "af_session")
    connection = shared_connection(request)  # the test uses shared_data: its connection
    if connection is not None:
        request.node.stash[_SHARED_CONNECTION_KEY] = connection
    session: AsyncSession = request.getfixturevalue(variant)
    if variant.endswith("__anyio") or fixture_context_reaches_test():
        yield session  # bound by the async fixture, in the test's own context
        return
    with bind_session(session):  # pytest-asyncio < 0.25: the test's task copies this context
        yield session


@asynccontextmanager
async def _bind_stashed_sync_session(request: pytest.FixtureRequest) -> AsyncIterator[Session]:
    """Bind ``af_sync_session`` inside anyio's test task, which sync fixtures' contexts miss."""
    session = request.node.stash[_SYNC_SESSION_KEY]
    with bind_session(session):
        yield session


globals().update(loop_following("_af_bind_sync_session", _bind_stashed_sync_session, runners=("anyio",)))


@pytest.fixture
def af_committed(_af_sync_engine: Engine) -> Iterator[CreatedRows]:
    """The rows the factories create in the test, deleted after it, however they were committed.

    For tests that commit through sessions of their own (``af_session`` rolls back only its
    own transaction): ``len(af_committed)`` is how many objects were created.
    """
    with tracking(_af_sync_engine) as created:
        yield created


@pytest.fixture
def af_sync_session(request: pytest.FixtureRequest, _af_sync_engine: Engine) -> Iterator[Session]:
    """A sync ``Session`` in a transaction rolled back after the test, even if the code commits.

    Every factory is bound to it for the test (``UserFactory.create_sync()``), unless the test
    also uses ``af_session``, which then is the bound one.
    """
    with rollback_sync_session(_af_sync_engine) as session:
        if "af_session" in request.fixturenames:
            yield session
            return
        with bind_session(session):
            if runner_variant(request) == "anyio":
                request.node.stash[_SYNC_SESSION_KEY] = session
                request.getfixturevalue("_af_bind_sync_session__anyio")
            yield session
