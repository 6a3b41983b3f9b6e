"""The pytest plugin's pure parts, in-process: configuration precedence, URL mapping, names, seeds.

The plugin's behaviour inside real pytest runs is in ``test_pytest_plugin.py`` (pytester).
"""

from __future__ import annotations

import contextlib
import typing
from importlib.metadata import entry_points
from typing import TypeVar

import pytest
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from asyncfactories import ConfigurationError, ModelFactory
from asyncfactories.integrations.counter_floor import restart_sequences
from asyncfactories.integrations.fixture_registry import instance_fixture_name, snake_case
from asyncfactories.integrations.pytest_support import (
    DATABASE_URL_ENV,
    async_url,
    load_metadata,
    metadata_list,
    resolve_database_url,
    seed_for_test,
    sync_url,
)
from asyncfactories.pytest_plugin import register_fixture

from .factories import UserFactory
from .models import Post, User

ModelT = TypeVar("ModelT")


def test_the_plugin_is_declared_as_a_pytest11_entry_point() -> None:
    found = [entry for entry in entry_points(group="pytest11") if entry.name == "asyncfactories"]
    assert [entry.value for entry in found] == ["asyncfactories.pytest_plugin"]


@pytest.mark.parametrize(
    ("option", "env", "ini", "expected"),
    [
        ("sqlite:///option", "sqlite:///env", "sqlite:///ini", "sqlite:///option"),
        (None, "sqlite:///env", "sqlite:///ini", "sqlite:///env"),
        (None, "", "sqlite:///ini", "sqlite:///ini"),
        (None, None, "", None),
    ],
    ids=["option-wins", "then-env", "then-ini", "else-temporary-file"],
)
def test_database_url_precedence(option: str | None, env: str | None, ini: str, expected: str | None) -> None:
    environ = {} if env is None else {DATABASE_URL_ENV: env}
    assert resolve_database_url(option, environ, ini) == expected


@pytest.mark.parametrize(
    ("given", "async_driver", "sync_driver"),
    [
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite", "sqlite+pysqlite"),
        ("postgresql+asyncpg://u:p@h/db", "postgresql+asyncpg", "postgresql+psycopg"),
        ("mysql+aiomysql://root@h/db", "mysql+aiomysql", "mysql+pymysql"),
        ("mysql+asyncmy://root@h/db", "mysql+asyncmy", "mysql+pymysql"),
        ("postgresql://u@h/db", "postgresql+asyncpg", "postgresql+psycopg"),
        ("sqlite:///x.db", "sqlite+aiosqlite", "sqlite+pysqlite"),
    ],
)
def test_async_and_matching_sync_drivers(given: str, async_driver: str, sync_driver: str) -> None:
    assert async_url(given).drivername == async_driver
    assert sync_url(async_url(given)).drivername == sync_driver
    assert sync_url(async_url(given)).database == async_url(given).database


def test_an_unknown_async_driver_has_no_sync_twin() -> None:
    with pytest.raises(pytest.UsageError, match="no sync driver is known for 'oracle\\+oracledb'"):
        sync_url("oracle+oracledb://u@h/db")


@pytest.mark.parametrize(
    ("class_name", "snake"),
    [("User", "user"), ("BlogPost", "blog_post"), ("HTTPLog", "http_log"), ("OAuth2Token", "o_auth2_token")],
)
def test_snake_case_splits_words_and_acronyms(class_name: str, snake: str) -> None:
    assert snake_case(class_name) == snake


def test_a_test_seed_depends_on_the_base_seed_and_the_node_id_only() -> None:
    node = "tests/test_api.py::test_list_users[sqlite]"
    assert seed_for_test(0, node) == seed_for_test(0, node)
    assert seed_for_test(0, node) != seed_for_test(1, node)
    assert seed_for_test(0, node) != seed_for_test(0, "tests/test_api.py::test_other")
    assert 0 <= seed_for_test(0, node) < 2**32


def test_restart_sequences_restarts_every_factory() -> None:
    UserFactory._next_seq()
    first = UserFactory.build().email
    UserFactory.build()
    restart_sequences()
    assert UserFactory._next_seq() == 1
    assert UserFactory.build().email == first


class _Base(DeclarativeBase):
    pass


_extra = MetaData()
Table("extra", _extra)


def test_metadata_can_be_a_metadata_a_base_or_several() -> None:
    assert metadata_list(None) == []
    assert metadata_list(_Base.metadata) == [_Base.metadata]
    assert metadata_list(_Base) == [_Base.metadata]
    assert metadata_list([_Base, _extra]) == [_Base.metadata, _extra]


def test_metadata_of_another_kind_is_a_usage_error() -> None:
    with pytest.raises(pytest.UsageError, match="af_metadata fixture gave 42: expected a sqlalchemy MetaData"):
        metadata_list(42)


def test_the_metadata_ini_key_is_imported() -> None:
    assert load_metadata("tests.models:Base.metadata")[0].tables.keys() >= {"users", "posts"}
    assert load_metadata("tests.models:Base") == load_metadata("tests.models:Base.metadata")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("tests.models", "expected 'package.module:Base.metadata'"),
        ("tests.nowhere:Base.metadata", "No module named 'tests.nowhere'"),
        ("tests.models:Nothing.metadata", "has no attribute 'Nothing'"),
    ],
)
def test_a_bad_metadata_ini_key_says_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(pytest.UsageError, match=f"asyncfactories_metadata = '{spec}'.*{message}"):
        load_metadata(spec)


def test_register_fixture_needs_a_concrete_model_factory() -> None:
    class BaseFactory(ModelFactory[ModelT]):
        pass

    with pytest.raises(ConfigurationError, match="needs a concrete ModelFactory subclass"):
        register_fixture(BaseFactory)
    with pytest.raises(ConfigurationError, match="needs a concrete ModelFactory subclass"):
        register_fixture(dict)  # type: ignore[type-var]


def test_register_fixture_rejects_a_name_that_is_no_identifier() -> None:
    with pytest.raises(ConfigurationError, match=r"name='my user'.*must be a Python identifier"):
        register_fixture(UserFactory, name="my user")


class AdminUserFactory(UserFactory):
    pass


class HTTPLogFactory(ModelFactory[Post]):
    pass


class Factory(ModelFactory[Post]):
    pass


class Users(ModelFactory[User]):
    pass


@pytest.mark.parametrize(
    ("factory", "name", "instance_fixture"),
    [
        (UserFactory, None, "user"),
        (AdminUserFactory, None, "admin_user"),  # not "user": two factories of one model coexist
        (HTTPLogFactory, None, "http_log"),  # named after the factory, not its model (Post)
        (Users, None, "users"),  # no Factory suffix: the whole class name
        (Factory, None, "post"),  # nothing left of the class name: the model's
        (UserFactory, "author", "author"),
        (UserFactory, "author_factory", "author"),  # polyfactory's name= names the factory fixture
        (UserFactory, "factory", "factory"),
        (UserFactory, "_factory", "_factory"),
    ],
)
def test_fixture_names_come_from_the_factory_class_or_name(
    factory: type[ModelFactory[object]], name: str | None, instance_fixture: str
) -> None:
    assert instance_fixture_name(factory, name) == instance_fixture


def test_register_fixture_after_collection_only_returns_the_factory() -> None:
    assert register_fixture(UserFactory) is UserFactory
    assert register_fixture(name="author")(UserFactory) is UserFactory


def test_loop_following_works_with_a_pytest_asyncio_fixture_without_loop_scope() -> None:
    """pytest-asyncio < 0.24 has no ``loop_scope=``: the plugin must still load (no TypeError)."""
    from asyncfactories.integrations import pytest_support as _pytest_support
    calls: list[dict[str, object]] = []

    def old_fixture(function: object, *, scope: str = "function", name: str | None = None) -> object:
        calls.append({"scope": scope, "name": name})
        return function

    @contextlib.asynccontextmanager
    async def impl() -> typing.AsyncIterator[int]:
        yield 1

    original = _pytest_support._asyncio_fixture_decorator
    _pytest_support._asyncio_fixture_decorator = lambda: old_fixture
    try:
        definitions = _pytest_support.loop_following("_thing", impl, runners=("asyncio",))
    finally:
        _pytest_support._asyncio_fixture_decorator = original
    assert calls == [{"scope": "function", "name": "_thing__asyncio_function"}]
    assert sorted(definitions) == [f"_thing__asyncio_{s}" for s in sorted(_pytest_support.LOOP_SCOPES)]
