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
import types
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar, overload

import pytest
from sqlalchemy import Engine, MetaData
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from ._pytest_support import (
    DEFAULT_SEED,
    create_tables,
    fixture_context_reaches_test,
    load_metadata,
    loop_following,
    make_async_engine,
    make_sync_engine,
    metadata_list,
    resolve_database_url,
    restart_sequences,
    rollback_session,
    rollback_sync_session,
    run_in_private_loop,
    runner_variant,
    seed_for_test,
    snake_case,
    temporary_sqlite_url,
)
from .autogen import reset_unique_values
from .exceptions import ConfigurationError
from .factory import ModelFactory
from .seeding import seed
from .session import bind_session

__all__ = ["af_engine", "af_metadata", "af_session", "af_sync_session", "register_fixture"]

FactoryT = TypeVar("FactoryT", bound=type[ModelFactory[Any]])

_SEED_KEY = pytest.StashKey[int]()
_SYNC_SESSION_KEY = pytest.StashKey[Session]()
_RESERVED_NAMES = frozenset({"request", "pytestconfig", "af_engine", "af_metadata", "af_session", "af_sync_session"})
_OWN_FIXTURES_ATTRIBUTE = "_asyncfactories_fixture_names"

#: The plugin managers of the runs now importing conftests or collecting (innermost last): the
#: windows in which ``register_fixture`` adds fixtures. Runs nest under pytester.
_managers: list[pytest.PytestPluginManager] = []

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
    parser.addini("asyncfactories_database_url", "database URL of af_engine (after the option and the env var)")
    parser.addini("asyncfactories_metadata", "tables to create: package.module:Base.metadata")


def _close_registration(config: pytest.Config) -> None:
    if config.pluginmanager in _managers:
        _managers.remove(config.pluginmanager)


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Generator[None, None, None]:
    """``register_fixture`` in the initial conftests (and their ``pytest_plugins``) adds fixtures."""
    _managers.append(early_config.pluginmanager)
    try:
        return (yield)
    finally:
        _close_registration(early_config)


def pytest_sessionstart(session: pytest.Session) -> None:
    """From here to the end of collection, conftests and test modules may register fixtures."""
    _managers.append(session.config.pluginmanager)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Collected items keep the fixtures they have: later ``register_fixture`` calls do nothing."""
    _close_registration(session.config)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In case collection never finished."""
    _close_registration(session.config)


def _configured_url(config: pytest.Config) -> str | None:
    return resolve_database_url(
        config.getoption("af_database_url"), os.environ, str(config.getini("asyncfactories_database_url"))
    )


def pytest_report_header(config: pytest.Config) -> str:
    """One header line: the database (password hidden) and the base seed."""
    url = _configured_url(config)
    try:
        shown = make_url(url).render_as_string(hide_password=True) if url else "a temporary SQLite file"
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
    return report


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
    """The ``AsyncEngine`` of the run, its tables created once.

    ``NullPool``: each connection is opened in the event loop that uses it, so tests may
    use any loop scope.
    """
    url = _configured_url(pytestconfig) or temporary_sqlite_url(tmp_path_factory.mktemp("asyncfactories"))
    engine = make_async_engine(url)
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


def _variant_for(request: pytest.FixtureRequest, name: str, public: str) -> str:
    """The variant of loop-following fixture ``name`` for the requesting test's event loop."""
    runner = runner_variant(request)
    if runner is None:
        pytest.fail(
            f"{public} is created in the test's event loop, but {request.node.nodeid} is not run by "
            f"pytest-asyncio or anyio: make it an async test marked @pytest.mark.asyncio (or use "
            f"asyncio_mode = auto) or @pytest.mark.anyio; sync tests use af_sync_session",
            pytrace=False,
        )
    return f"{name}__{runner}"


@asynccontextmanager
async def _bound_rollback_session(af_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """``af_session`` in the test's event loop, bound there (anyio: the binding reaches the test)."""
    async with rollback_session(af_engine) as session:
        with bind_session(session):
            yield session


@asynccontextmanager
async def _asyncio_rollback_session(af_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """``af_session`` for pytest-asyncio, bound here only where the fixture's context reaches the test."""
    if fixture_context_reaches_test():
        async with _bound_rollback_session(af_engine) as session:
            yield session
        return
    async with rollback_session(af_engine) as session:
        yield session


globals().update(loop_following("_af_session", _bound_rollback_session, runners=("anyio",)))
globals().update(loop_following("_af_session", _asyncio_rollback_session, runners=("asyncio",)))


@pytest.fixture
def af_session(request: pytest.FixtureRequest) -> Iterator[AsyncSession]:
    """An ``AsyncSession`` in a transaction rolled back after the test, even if the code commits.

    Every factory is bound to it for the test: ``await UserFactory.create()`` needs no session.
    ``expire_on_commit=False``: attributes stay readable after a commit.
    """
    variant = _variant_for(request, "_af_session", "af_session")
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


# ----------------------------------------------------------------- register_fixture


def _fixture_definitions(factory: type[ModelFactory[Any]], base: str) -> dict[str, Any]:
    """``<base>_factory`` and ``<base>`` (one instance, created in the test's loop)."""

    @asynccontextmanager
    async def create_one(af_session: AsyncSession) -> AsyncIterator[Any]:
        yield await factory.create(session=af_session)

    def factory_fixture(request: pytest.FixtureRequest) -> type[ModelFactory[Any]]:
        if runner_variant(request) is not None:
            request.getfixturevalue("af_session")
        return factory

    def instance_fixture(request: pytest.FixtureRequest) -> Any:
        return request.getfixturevalue(_variant_for(request, f"_af_{base}", base))

    factory_fixture.__doc__ = f"{factory.__name__}, every factory bound to af_session (async tests)."
    instance_fixture.__doc__ = f"One {factory._meta.model.__name__} created by {factory.__name__} in af_session."
    create_one.__doc__ = instance_fixture.__doc__
    return {
        f"{base}_factory": pytest.fixture(factory_fixture, name=f"{base}_factory"),
        base: pytest.fixture(instance_fixture, name=base),
        **loop_following(f"_af_{base}", create_one),
    }


def _registered(manager: pytest.PytestPluginManager) -> dict[str, type[Any]]:
    """Fixture name → factory, for every ``register_fixture`` of this run."""
    taken: dict[str, type[Any]] = {}
    for plugin in manager.get_plugins():
        for fixture_name in getattr(plugin, _OWN_FIXTURES_ATTRIBUTE, ()):
            taken[fixture_name] = plugin.factory
    return taken


def _check_names(factory: type[Any], names: list[str], manager: pytest.PytestPluginManager) -> bool:
    """False if ``factory`` is already registered under these names; raise on a clash."""
    registered = _registered(manager)
    if all(registered.get(name) is factory for name in names):
        return False
    for name in names:
        owner = registered.get(name)
        if name in _RESERVED_NAMES or (owner is not None and owner is not factory):
            taken_by = "pytest or asyncfactories" if owner is None else f"{owner.__module__}.{owner.__qualname__}"
            suggestion = snake_case(factory.__name__.removesuffix("Factory")) or "other"
            if suggestion in (names[0], name) or suggestion in _RESERVED_NAMES:
                suggestion += "_2"
            raise ConfigurationError(
                f"register_fixture({factory.__name__}): the fixture name {name!r} is already taken by "
                f"{taken_by}; pass name= to choose another, e.g. register_fixture({factory.__name__}, "
                f"name={suggestion!r})"
            )
    return True


def _instance_fixture_name(name: str) -> str:
    """``name=`` names the instance fixture; ``"x_factory"`` (polyfactory's spelling) the factory's."""
    suffix = "_factory"
    return name[: -len(suffix)] if name.endswith(suffix) and len(name) > len(suffix) else name


def _register(factory: type[ModelFactory[Any]], name: str | None) -> None:
    is_factory = isinstance(factory, type) and issubclass(factory, ModelFactory)
    model = factory._meta.model if is_factory else None
    if model is None:
        raise ConfigurationError(
            f"register_fixture({getattr(factory, '__name__', factory)!r}) needs a concrete ModelFactory "
            f"subclass with a model, e.g. register_fixture(UserFactory)"
        )
    base = _instance_fixture_name(name) if name is not None else snake_case(model.__name__)
    if not base.isidentifier() or base.startswith("_"):
        raise ConfigurationError(
            f"register_fixture({factory.__name__}, name={name!r}): a fixture name must be a Python "
            f"identifier not starting with '_'"
        )
    definitions = _fixture_definitions(factory, base)
    if not _managers or not _check_names(factory, [base, f"{base}_factory"], _managers[-1]):
        return
    holder = types.ModuleType(f"asyncfactories.pytest_plugin[{base}]")
    holder.__dict__.update(definitions)
    holder.__dict__.update({"factory": factory, _OWN_FIXTURES_ATTRIBUTE: (base, f"{base}_factory")})
    _managers[-1].register(holder, f"asyncfactories:{base}")


@overload
def register_fixture(factory: FactoryT, name: str | None = None) -> FactoryT: ...


@overload
def register_fixture(factory: None = None, name: str | None = None) -> Callable[[FactoryT], FactoryT]: ...


def register_fixture(
    factory: FactoryT | None = None, name: str | None = None
) -> FactoryT | Callable[[FactoryT], FactoryT]:
    """Add fixtures ``user_factory`` (the factory, bound to ``af_session``) and ``user`` (one instance).

    Names come from the model in snake_case (``BlogPost`` → ``blog_post``), or from ``name=``:
    ``name="author"`` gives ``author`` and ``author_factory``; ``name="author_factory"``
    (polyfactory names the factory fixture) gives the same two.
    Call it in ``conftest.py`` (``register_fixture(UserFactory)``) or use it as a class
    decorator (``@register_fixture`` or ``@register_fixture(name="author")``); it returns the
    factory. The fixtures are visible to the whole run, like a plugin's. A name already taken
    by another factory raises ``ConfigurationError``. Outside a pytest run, or once the run
    has collected its tests (which keep the fixtures they have), it only returns the factory.
    """
    if factory is None:

        def decorator(klass: FactoryT) -> FactoryT:
            _register(klass, name)
            return klass

        return decorator
    _register(factory, name)
    return factory
