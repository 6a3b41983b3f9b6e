"""``shared_data``: test data created once per class, module or session; each test in a SAVEPOINT.

For ``@shared_data(scope="module") async def blog(): ...`` the plugin runs:

- ``_af_shared_<key>`` (sync, scope ``module``): picks the requesting test's runner and gets
  ``_af_shared_<key>__<runner>`` (async, scope ``module``, in that loop), which opens a SAVEPOINT
  on the runner's shared connection (opened in an outer transaction by the first shared data
  alive in that loop, rolled back and closed with the last), runs ``blog()`` with every factory
  bound to a session there, commits (releasing only the session's own SAVEPOINT) and rolls its
  SAVEPOINT back when the scope ends;
- ``blog`` (function scope, what the test asks for): the value again, with every mapped instance
  in it merged into the test's ``af_session`` (``merge(load=False)``: no SQL), so a test that
  changes an object changes its own copy. The ``af_session`` of such a test is a session on the
  shared connection inside a SAVEPOINT of its own, rolled back after the test.

pytest sets up wider-scoped fixtures first, so the data exists before the test's SAVEPOINT.
While shared data is alive, every test of its loop runs on its connection (on another one its
writes would wait for the data's transaction), and sequences and unique counters continue after it.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Literal

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, AsyncTransaction

from ..exceptions import ConfigurationError
from ..persisting.session import bind_session
from ..seeding import seed
from .copies import copy_into
from .counter_floor import CounterFloor, restart_counters
from .fixture_registry import add_fixtures
from .pytest_support import LOOP_SCOPES, runner_variant, seed_for_test, takes_loop_scope

__all__ = ["SharedValue", "restore_floor", "shared_connection", "shared_data"]

_PREFIX = "_af_shared_"
Scope = Literal["class", "module", "package", "session"]
_SCOPES: tuple[Scope, ...] = ("class", "module", "package", "session")
#: anyio's plugin keeps one event loop while a fixture of the ``anyio_backend``'s scope lives.
_ANYIO_SCOPE: Scope = "module"
#: Parameters the data fixture has anyway; a shared-data function may ask for them too.
_GIVEN = ("request", "af_engine")


@dataclasses.dataclass(frozen=True)
class SharedValue:
    """What a shared-data function returned, the runner whose loop made it, and the counters after."""

    value: Any
    runner: str
    floor: CounterFloor


def _rank(scope: str) -> int:
    return LOOP_SCOPES.index(scope)


# ----------------------------------------------------------------- the connection


@dataclasses.dataclass
class _Held:
    connection: AsyncConnection
    transaction: AsyncTransaction
    users: int


#: runner -> the connection its live shared data is on.
_held: dict[str, _Held] = {}


async def _acquire(runner: str, engine: AsyncEngine) -> AsyncConnection:
    """The shared connection of ``runner``'s loop, in an outer transaction; opened by the first user."""
    held = _held.get(runner)
    if held is None:
        connection = await engine.connect()
        held = _held[runner] = _Held(connection, await connection.begin(), 0)
    held.users += 1
    return held.connection


async def _release(runner: str) -> None:
    """The last user gone, roll the outer transaction back and close: no lock outlives the data."""
    held = _held[runner]
    held.users -= 1
    if held.users == 0:
        del _held[runner]
        if held.transaction.is_active:
            await held.transaction.rollback()
        await held.connection.close()


def _asyncio_fixture() -> Callable[..., Any] | None:
    """pytest-asyncio's ``fixture`` if it has ``loop_scope=`` (0.24 and newer), else None."""
    try:
        from pytest_asyncio import fixture
    except ImportError:  # pragma: no cover - pytest-asyncio is optional
        return None
    return fixture if takes_loop_scope(fixture) else None


def _variants(name: str, make: Callable[[str], Callable[..., Any]], scope: Scope) -> dict[str, Any]:
    """``name__asyncio_<loop>`` for every loop scope at least as wide as ``scope``, and ``name__anyio``.

    ``make(runner)`` gives each variant's function (pytest-asyncio keeps the loop scope on it).
    """
    definitions: dict[str, Any] = {}
    asyncio_fixture = _asyncio_fixture()
    for loop in _SCOPES:
        if asyncio_fixture is not None and _rank(loop) >= _rank(scope):
            variant = f"{name}__asyncio_{loop}"
            definitions[variant] = asyncio_fixture(make(f"asyncio_{loop}"), scope=scope, loop_scope=loop, name=variant)
    if _rank(scope) <= _rank(_ANYIO_SCOPE):
        definitions[f"{name}__anyio"] = pytest.fixture(make("anyio"), scope=scope, name=f"{name}__anyio")
    return definitions


# ----------------------------------------------------------------- which loop


def _fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


def shared_runner(request: pytest.FixtureRequest, public: str, scope: str) -> str:
    """The requesting test's runner, if its event loop lives as long as ``scope``; else a clear failure."""
    runner = runner_variant(request)
    test = getattr(request, "_pyfuncitem", request.node).nodeid  # the test, also for a module fixture
    if runner is None:
        _fail(
            f"{public} is shared data, created in the tests' event loop, but {test} is not run by "
            f"pytest-asyncio or anyio: make it an async test"
        )
    elif runner == "anyio" and _rank(scope) > _rank(_ANYIO_SCOPE):
        _fail(
            f"{public} is shared by the whole {scope}, but anyio keeps one event loop per module "
            f"(its anyio_backend fixture is module-scoped): use scope='module' or narrower with anyio"
        )
    elif runner != "anyio" and _rank(runner.removeprefix("asyncio_")) < _rank(scope):
        loop = runner.removeprefix("asyncio_")
        _fail(
            f"{public} is shared by every test of its {scope}, so they must run in one event loop, "
            f"but {test} runs in a {loop}-scoped loop: add pytestmark = "
            f'pytest.mark.asyncio(loop_scope="{scope}") to the test module (or set '
            f"asyncio_default_test_loop_scope = {scope}){_upgrade_hint()}"
        )
    return str(runner)


def _upgrade_hint() -> str:
    if _asyncio_fixture() is not None:
        return ""
    return '; loop scopes for fixtures need pytest-asyncio >= 0.24 (pip install "pytest-asyncio>=0.24")'


def _shared_names(request: pytest.FixtureRequest) -> list[str]:
    """The shared data the requesting test uses (the hidden fixtures in its closure)."""
    return [name for name in request.fixturenames if name.startswith(_PREFIX) and "__" not in name]


def shared_connection(request: pytest.FixtureRequest) -> AsyncConnection | None:
    """The connection holding the shared data alive in this test's loop; None if there is none.

    Every test in that loop gets it, whether it uses the data or not: on another connection its
    writes would wait for the data's transaction (SQLite's one writer, a unique value a server
    holds locked), which only ends after the test.
    """
    shared: list[SharedValue] = [request.getfixturevalue(name) for name in _shared_names(request)]
    runner = runner_variant(request)
    for value in shared:
        if value.runner != runner:
            _fail(
                f"{request.node.nodeid} runs in the event loop {runner}, but the shared data it uses was "
                f"created in {value.runner}: give every test that shares data one loop scope"
            )
    held = _held.get(str(runner))
    return held.connection if held is not None else None


def restore_floor(request: pytest.FixtureRequest) -> None:
    """While shared data is alive, counters continue after the latest (no repeated unique values)."""
    latest = CounterFloor.latest()
    if latest is not None and (_shared_names(request) or str(runner_variant(request)) in _held):
        latest.restore()


# ----------------------------------------------------------------- the data


def _data_fixture(function: Callable[..., Awaitable[Any]], key: str) -> Callable[[str], Callable[..., Any]]:
    """For each runner, the async fixture creating ``function``'s data on that loop's connection."""
    own = [parameter for parameter in inspect.signature(function).parameters.values() if parameter.name not in _GIVEN]

    def make(runner: str) -> Callable[..., Any]:
        async def create(
            request: pytest.FixtureRequest, af_engine: AsyncEngine, **kwargs: Any
        ) -> AsyncIterator[SharedValue]:
            connection = await _acquire(runner, af_engine)
            savepoint = await connection.begin_nested()
            try:
                seed(seed_for_test(request.config.getoption("af_seed"), f"{request.node.nodeid}::{key}"))
                restart_counters()
                session = AsyncSession(
                    bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
                )
                async with session:
                    with bind_session(session):
                        value = await function(**_wanted(function, kwargs, request, af_engine))
                    await session.commit()
                with CounterFloor.taken() as floor:
                    yield SharedValue(value, runner, floor)
            finally:
                if savepoint.is_active:
                    await savepoint.rollback()
                await _release(runner)

        extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY) for name in ("request", "af_engine")]
        create.__signature__ = inspect.Signature([*extra, *own])  # type: ignore[attr-defined]  # read by pytest
        create.__name__ = create.__qualname__ = f"{key}__{runner}"
        create.__module__ = function.__module__
        return create

    return make


def _wanted(function: Callable[..., Any], kwargs: dict[str, Any], request: Any, engine: AsyncEngine) -> dict[str, Any]:
    """The fixtures ``function`` asks for, ``request`` and ``af_engine`` included if it does."""
    parameters = inspect.signature(function).parameters
    return {
        **kwargs,
        **{name: value for name, value in zip(_GIVEN, (request, engine), strict=True) if name in parameters},
    }


def _hidden_fixture(public: str, name: str, scope: str) -> Callable[..., SharedValue]:
    """The sync fixture of ``scope`` getting the data from the variant running in the test's loop."""

    def hidden(request: pytest.FixtureRequest) -> SharedValue:
        runner = shared_runner(request, public, scope)
        value: SharedValue = request.getfixturevalue(f"{name}__{runner}")
        return value

    hidden.__name__ = hidden.__qualname__ = name
    return hidden


def _public_fixture(public: str, name: str) -> Callable[..., Any]:
    def fixture(request: pytest.FixtureRequest, af_session: AsyncSession, **hidden: SharedValue) -> Any:
        return copy_into(af_session.sync_session, hidden[name].value)

    parameters = [
        inspect.Parameter(parameter, inspect.Parameter.KEYWORD_ONLY) for parameter in ("request", "af_session", name)
    ]
    fixture.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]  # read by pytest
    fixture.__name__ = fixture.__qualname__ = public
    return fixture


def shared_data(
    function: Callable[..., Awaitable[Any]] | None = None, *, scope: str = "module", name: str | None = None
) -> Any:
    """Make an async function a fixture whose factory data is created once per ``scope``.

    ``scope`` is ``"class"``, ``"module"``, ``"package"`` or ``"session"``. The data is created
    once, in a SAVEPOINT of an outer transaction, and rolled back when the scope ends; each test
    that asks for the fixture runs in a SAVEPOINT of its own (its ``af_session`` is there), sees
    the shared rows, may commit, and never sees another test's rows. The test gets its own copy
    of every mapped instance in the value. The tests must share one event loop as wide as
    ``scope`` (pytest-asyncio ``loop_scope``, or anyio up to ``"module"``).
    """
    if scope not in _SCOPES:
        raise ConfigurationError(
            f"shared_data(scope={scope!r}): the scope must be one of {', '.join(map(repr, _SCOPES))}; "
            f"per-test data is an ordinary fixture"
        )

    def decorate(function: Callable[..., Awaitable[Any]]) -> Any:
        if not inspect.iscoroutinefunction(function):
            raise ConfigurationError(
                f"shared_data: {getattr(function, '__qualname__', function)!r} must be an async function "
                f"(async def ...) that creates the data with the factories and returns it"
            )
        public = name or function.__name__
        hidden = _PREFIX + re.sub(r"\W+|_{2,}", "_", f"{function.__module__}_{function.__qualname__}")
        own: Scope = scope  # narrowed by the check above
        definitions = {hidden: pytest.fixture(_hidden_fixture(public, hidden, own), scope=own, name=hidden)}
        definitions.update(_variants(hidden, _data_fixture(function, public), own))
        add_fixtures(f"asyncfactories:{hidden}", definitions)
        return pytest.fixture(_public_fixture(public, hidden), name=public)

    return decorate if function is None else decorate(function)
