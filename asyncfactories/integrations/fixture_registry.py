"""``register_fixture``: a factory's two pytest fixtures, added to the running session.

The plugin (``pytest_plugin``) opens and closes the registration windows; this module only knows
the names, the definitions and the clash check. A registration adds a small plugin module to the
run's plugin manager, so the fixtures are visible to the whole run, as a plugin's are.
"""

from __future__ import annotations

import re
import types
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar, overload

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from ..exceptions import ConfigurationError
from ..factory import ModelFactory
from .pytest_support import loop_following, runner_variant

__all__ = ["add_fixtures", "close_registration", "open_registration", "register_fixture", "snake_case", "variant_for"]

FactoryT = TypeVar("FactoryT", bound=type[ModelFactory[Any]])

_RESERVED_NAMES = frozenset({"request", "pytestconfig", "af_engine", "af_metadata", "af_session", "af_sync_session"})
_OWN_FIXTURES_ATTRIBUTE = "_asyncfactories_fixture_names"

#: The plugin managers of the runs now importing conftests or collecting (innermost last): the
#: windows in which ``register_fixture`` adds fixtures. Runs nest under pytester.
_managers: list[pytest.PytestPluginManager] = []


def open_registration(manager: pytest.PytestPluginManager) -> None:
    """From now on ``register_fixture`` adds fixtures to this run."""
    _managers.append(manager)


def close_registration(manager: pytest.PytestPluginManager) -> None:
    """This run's ``register_fixture`` calls add nothing any more."""
    if manager in _managers:
        _managers.remove(manager)


def add_fixtures(key: str, definitions: dict[str, Any]) -> bool:
    """Add ``definitions`` to the run now collecting, once per ``key``; False outside a run."""
    if not _managers or _managers[-1].get_plugin(key) is not None:
        return False
    holder = types.ModuleType(f"asyncfactories.pytest_plugin[{key}]")
    holder.__dict__.update(definitions)
    _managers[-1].register(holder, key)
    return True


def snake_case(name: str) -> str:
    """``BlogPost`` → ``blog_post``, ``HTTPLog`` → ``http_log``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def variant_for(request: pytest.FixtureRequest, name: str, public: str) -> str:
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
        return request.getfixturevalue(variant_for(request, f"_af_{base}", base))

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


def _suggested_name(factory: type[ModelFactory[Any]], base: str) -> str:
    """A ``name=`` for the clash message: the factory's own default name, else ``<base>_2``."""
    default = instance_fixture_name(factory, None)
    return default if default != base and default not in _RESERVED_NAMES else f"{base}_2"


def _check_names(factory: type[ModelFactory[Any]], names: list[str], manager: pytest.PytestPluginManager) -> bool:
    """False if ``factory`` is already registered under these names; raise on a clash."""
    registered = _registered(manager)
    if all(registered.get(name) is factory for name in names):
        return False
    for name in names:
        owner = registered.get(name)
        if name in _RESERVED_NAMES or (owner is not None and owner is not factory):
            taken_by = "pytest or asyncfactories" if owner is None else f"{owner.__module__}.{owner.__qualname__}"
            raise ConfigurationError(
                f"register_fixture({factory.__name__}): the fixture name {name!r} is already taken by "
                f"{taken_by}; pass name= to choose another, e.g. register_fixture({factory.__name__}, "
                f"name={_suggested_name(factory, names[0])!r})"
            )
    return True


def instance_fixture_name(factory: type[ModelFactory[Any]], name: str | None) -> str:
    """The instance fixture's name: from ``name=``, else from the factory class, as polyfactory's.

    ``AdminUserFactory`` → ``admin_user`` (its factory fixture: ``admin_user_factory``);
    ``name="author"`` and ``name="author_factory"`` (polyfactory names the factory fixture) both
    give ``author``. A factory class called just ``Factory`` is named after its model.
    """
    suffix = "_factory"
    if name is not None:
        return name[: -len(suffix)] if name.endswith(suffix) and len(name) > len(suffix) else name
    return snake_case(factory.__name__.removesuffix("Factory")) or snake_case(factory._meta.model.__name__)


def _register(factory: type[ModelFactory[Any]], name: str | None) -> None:
    is_factory = isinstance(factory, type) and issubclass(factory, ModelFactory)
    if not is_factory or factory._meta.model is None:
        raise ConfigurationError(
            f"register_fixture({getattr(factory, '__name__', factory)!r}) needs a concrete ModelFactory "
            f"subclass with a model, e.g. register_fixture(UserFactory)"
        )
    base = instance_fixture_name(factory, name)
    if not base.isidentifier() or base.startswith("_"):
        raise ConfigurationError(
            f"register_fixture({factory.__name__}, name={name!r}): a fixture name must be a Python "
            f"identifier not starting with '_'"
        )
    definitions = _fixture_definitions(factory, base)
    if not _managers or not _check_names(factory, [base, f"{base}_factory"], _managers[-1]):
        return
    definitions.update({"factory": factory, _OWN_FIXTURES_ATTRIBUTE: (base, f"{base}_factory")})
    add_fixtures(f"asyncfactories:{base}", definitions)


@overload
def register_fixture(factory: FactoryT, name: str | None = None) -> FactoryT: ...


@overload
def register_fixture(factory: None = None, name: str | None = None) -> Callable[[FactoryT], FactoryT]: ...


def register_fixture(
    factory: FactoryT | None = None, name: str | None = None
) -> FactoryT | Callable[[FactoryT], FactoryT]:
    """Add fixtures ``admin_user_factory`` (the factory, bound to ``af_session``) and ``admin_user``.

    Names come from the factory class in snake_case without its ``Factory`` suffix, as
    polyfactory's do (``AdminUserFactory`` → ``admin_user`` and ``admin_user_factory``), so two
    factories of one model register side by side. ``name="author"`` gives ``author`` and
    ``author_factory``; ``name="author_factory"`` (polyfactory names the factory fixture) gives
    the same two.
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
