"""SPEC §10: the error hierarchy, and every error path reachable here with its exact type and a
message naming the factory, what is wrong and what to do instead.

Errors of the model definition and the model check are tested with their features
(``test_definition.py``, ``test_model_check.py``); batch counts in ``test_building.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import factory.errors
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

import asyncfactories
import asyncfactories.exceptions
from asyncfactories import (
    ConfigurationError,
    FactoryError,
    MissingRequiredFieldError,
    ModelFactory,
    Require,
    SessionConflictError,
    SessionNotBoundError,
    SessionTypeError,
    Trait,
    UnknownFieldError,
    UnknownStateError,
)

from .factories import PostFactory, TagFactory, UserFactory
from .models import User

ERRORS: dict[str, tuple[type[Exception], ...]] = {
    "ConfigurationError": (TypeError,),
    "UnknownFieldError": (ConfigurationError, TypeError),
    "SessionConflictError": (ConfigurationError, TypeError, RuntimeError),
    "UnknownStateError": (),
    "MissingRequiredFieldError": (),
    "SessionNotBoundError": (RuntimeError,),
    "SessionTypeError": (TypeError,),
}


# --------------------------------------------------------------------------- the hierarchy


def test_factory_error_subclasses_factory_boys() -> None:
    assert issubclass(FactoryError, factory.errors.FactoryError)
    assert FactoryError is not factory.errors.FactoryError


@pytest.mark.parametrize("name", ERRORS)
def test_each_error_derives_from_factory_error(name: str) -> None:
    error = getattr(asyncfactories, name)
    assert issubclass(error, FactoryError)
    assert issubclass(error, factory.errors.FactoryError)
    for builtin in ERRORS[name]:
        assert issubclass(error, builtin)


@pytest.mark.parametrize("name", ["FactoryError", *ERRORS])
def test_errors_are_importable_from_the_package_and_the_exceptions_module(name: str) -> None:
    assert getattr(asyncfactories, name) is getattr(asyncfactories.exceptions, name)
    assert name in asyncfactories.exceptions.__all__
    assert name in asyncfactories.__all__


def test_the_errors_that_are_not_builtins_stay_apart_from_them() -> None:
    for name in ("UnknownStateError", "MissingRequiredFieldError"):
        error = getattr(asyncfactories, name)
        assert not issubclass(error, (TypeError, RuntimeError, ValueError, KeyError))


# --------------------------------------------------------------------------- Meta options

MetaOptions = dict[str, Any]


def _define(name: str, attrs: dict[str, Any], **meta_options: Any) -> type:
    """``class <name>(ModelFactory): <attrs>; class Meta: model = User; <meta_options>``."""
    meta = type("Meta", (), {"model": User, **meta_options})
    return type(ModelFactory)(name, (ModelFactory,), {**attrs, "Meta": meta})


class _NoSaveMany:
    async def save(self, session: Any, instance: Any) -> None: ...


class _AsyncHandler:
    async def save(self, session: Any, instance: Any) -> None: ...

    async def save_many(self, session: Any, instances: list[Any]) -> None: ...


BAD_OPTIONS: dict[str, tuple[MetaOptions, str]] = {
    "persistence": (
        {"sqlalchemy_session_persistence": "autocommit"},
        "Meta.sqlalchemy_session_persistence must be one of None, 'flush' or 'commit', got 'autocommit'",
    ),
    "handler-without-save_many": (
        {"persistence_handler": _NoSaveMany()},
        "has no save_many() method; give it 'async def save(session, instance)' and "
        "'async def save_many(session, instances)'",
    ),
    "handler-and-get-or-create": (
        {"persistence_handler": _AsyncHandler(), "sqlalchemy_get_or_create": ("email",)},
        "Meta.persistence_handler cannot be combined with Meta.sqlalchemy_get_or_create; "
        "look the row up in the handler instead",
    ),
    "check_model": ({"check_model": 1}, "Meta.check_model must be True or False, got 1"),
    "isolate_failures": ({"isolate_failures": "no"}, "Meta.isolate_failures must be True or False, got 'no'"),
    "use_defaults": ({"use_defaults": "yes"}, "Meta.use_defaults must be True or False, got 'yes'"),
    "random_seed": ({"random_seed": "42"}, "Meta.random_seed must be an int or None, got '42'"),
    "min_collection_length": (
        {"min_collection_length": -1},
        "Meta.min_collection_length must be a non-negative int, got -1",
    ),
    "type_generators": ({"type_generators": {"String": str}}, "Meta.type_generators must map SQLAlchemy type"),
    "misspelt option": (
        {"sqlalchemy_sesion_persistence": "flush"},
        "BadOptionsFactory: Meta.sqlalchemy_sesion_persistence is not an option; "
        "did you mean Meta.sqlalchemy_session_persistence?",
    ),
    "get_or_create as a string": (
        {"sqlalchemy_get_or_create": "email"},
        "Meta.sqlalchemy_get_or_create must be a tuple of field names, e.g. ('email',); got 'email'",
    ),
    "collection minimum above maximum": (
        {"set_relationships": True, "min_collection_length": 4, "max_collection_length": 2},
        "Meta.min_collection_length (4) is greater than Meta.max_collection_length (2); raise the maximum",
    ),
    "randomized lengths, minimum above the default maximum": (
        {"set_relationships": True, "randomize_collection_length": True, "min_collection_length": 9},
        "Meta.min_collection_length (9) is greater than Meta.max_collection_length (5)",
    ),
    "unknown option": ({"colour": "red"}, "BadOptionsFactory: Meta.colour is not an option; the options are abstract,"),
}


@pytest.mark.parametrize(("options", "expected"), BAD_OPTIONS.values(), ids=BAD_OPTIONS.keys())
def test_a_bad_meta_option_fails_when_the_class_is_defined(options: MetaOptions, expected: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        _define("BadOptionsFactory", {}, **options)
    assert type(raised.value) is ConfigurationError
    message = str(raised.value)
    assert message.startswith("BadOptionsFactory: ")
    assert expected in message


def test_a_session_and_a_session_factory_is_a_runtime_error_as_in_factory_boy() -> None:
    """SPEC §10: a migrated ``pytest.raises(RuntimeError)`` keeps passing."""
    with pytest.raises(RuntimeError) as raised:
        _define("BothSessionsFactory", {}, sqlalchemy_session=object(), sqlalchemy_session_factory=lambda: None)
    assert type(raised.value) is SessionConflictError
    assert isinstance(raised.value, ConfigurationError)
    assert str(raised.value) == (
        "BothSessionsFactory: set either Meta.sqlalchemy_session or Meta.sqlalchemy_session_factory, not both; "
        "keep the session in Meta.sqlalchemy_session, or remove it and let Meta.sqlalchemy_session_factory "
        "make one per call"
    )


def test_an_unknown_field_is_caught_as_a_configuration_error() -> None:
    """SPEC §10: polyfactory's ``pytest.raises(ConfigurationException)`` maps to ``ConfigurationError``."""
    with pytest.raises(ConfigurationError) as raised:
        UserFactory.build(nmae="Ada")
    assert type(raised.value) is UnknownFieldError
    assert str(raised.value).startswith("UserFactory: keyword 'nmae' is not a mapped attribute")


@pytest.mark.parametrize(
    ("alias", "value", "meta_option", "meta_value"),
    [
        ("__check_model__", False, "check_model", True),
        ("__is_base_factory__", True, "abstract", False),
    ],
)
def test_an_alias_that_disagrees_with_meta_fails(
    alias: str, value: object, meta_option: str, meta_value: object
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        _define("AliasClashFactory", {alias: value}, **{meta_option: meta_value})
    assert type(raised.value) is ConfigurationError
    assert str(raised.value) == (
        f"AliasClashFactory: {alias} = {value!r} disagrees with Meta.{meta_option} = {meta_value!r}; "
        f"set only one of them"
    )


# --------------------------------------------------------------------------- sessions


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: UserFactory.create(), "create"),
        (lambda: UserFactory.create_many(2), "create_many"),
        (lambda: UserFactory.create_batch(2), "create_batch"),
        (lambda: UserFactory.create_async(), "create_async"),
    ],
    ids=["create", "create_many", "create_batch", "create_async"],
)
async def test_no_session_is_session_not_bound_error(call: Callable[[], Any], name: str) -> None:
    with pytest.raises(SessionNotBoundError) as raised:
        await call()
    assert type(raised.value) is SessionNotBoundError
    assert raised.value.factory_name == "UserFactory"
    message = str(raised.value)
    assert message.startswith(f"UserFactory.{name}() has no session to persist through.")
    for way in (f"{name}(session=...)", "UserFactory.using(session)", "bind_session(session)", "sqlalchemy_session"):
        assert way in message


def test_no_session_for_a_sync_call_is_session_not_bound_error() -> None:
    with pytest.raises(SessionNotBoundError) as raised:
        UserFactory.create_sync()
    message = str(raised.value)
    assert message.startswith("UserFactory.create_sync() has no session to persist through.")
    assert "'with bind_session(session):'" in message
    assert "async with" not in message


async def test_a_sync_session_in_an_async_call_is_session_type_error(sync_session: Session) -> None:
    with pytest.raises(SessionTypeError) as raised:
        await UserFactory.create(session=sync_session)  # type: ignore[arg-type]
    assert type(raised.value) is SessionTypeError
    assert str(raised.value) == (
        "UserFactory.create() got a Session; use UserFactory.create_sync() with that session instead."
    )
    assert not sync_session.new


async def test_an_async_session_in_a_sync_call_is_session_type_error(session: AsyncSession) -> None:
    with pytest.raises(SessionTypeError) as raised:
        UserFactory.create_batch_sync(2, session=session)  # type: ignore[arg-type]
    assert str(raised.value) == (
        "UserFactory.create_batch_sync() got an AsyncSession; use UserFactory.create_many() with that session instead."
    )


async def test_a_session_source_that_is_no_session_is_a_configuration_error() -> None:
    class OddSessionFactory(UserFactory):
        __async_session__ = 42

    with pytest.raises(ConfigurationError) as raised:
        await OddSessionFactory.create()
    assert type(raised.value) is ConfigurationError
    assert str(raised.value) == (
        "OddSessionFactory: the session source 42 is neither a session nor a callable returning one; "
        "pass an AsyncSession, a Session or a sessionmaker"
    )


async def test_a_handler_of_the_wrong_kind_fails_before_building(session: AsyncSession) -> None:
    class SyncHandler:
        def save(self, session: Any, instance: Any) -> None: ...

        def save_many(self, session: Any, instances: list[Any]) -> None: ...

    class SyncHandledFactory(UserFactory):
        class Meta:
            persistence_handler = SyncHandler()

    with pytest.raises(ConfigurationError) as raised:
        await SyncHandledFactory.create(session=session)
    assert type(raised.value) is ConfigurationError
    message = str(raised.value)
    assert message.startswith(
        "SyncHandledFactory.create(): Meta.persistence_handler.save is a plain def, but create() needs async def"
    )
    assert "SyncHandledFactory.create_sync()" in message  # the fix
    assert not session.new


async def test_get_or_create_on_a_field_without_a_value_is_a_configuration_error(session: AsyncSession) -> None:
    class LookupFactory(ModelFactory[User]):
        name = "Ada"

        class Meta:
            sqlalchemy_get_or_create = ("email",)
            auto_fields = False  # else a generated email would be given

    with pytest.raises(ConfigurationError) as raised:
        await LookupFactory.create(session=session)
    assert type(raised.value) is ConfigurationError
    assert str(raised.value) == (
        "LookupFactory: Meta.sqlalchemy_get_or_create names 'email', but the factory gives it no value; "
        "declare it on the factory or pass it as a keyword"
    )


# --------------------------------------------------------------------------- states, Require


def test_an_unknown_state_is_unknown_state_error() -> None:
    with pytest.raises(UnknownStateError) as raised:
        UserFactory.state("admn")
    assert type(raised.value) is UnknownStateError
    assert (raised.value.factory_name, raised.value.state) == ("UserFactory", "admn")
    message = str(raised.value)
    assert message.startswith("UserFactory has no state 'admn'; valid states: admin.")
    assert "'state_admn()'" in message


def test_a_state_defined_twice_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as raised:

        class TwiceFactory(ModelFactory[User]):
            class Params:
                admin = Trait(role="admin")

            @classmethod
            def state_admin(cls) -> dict[str, Any]:
                return {"role": "admin"}

    assert type(raised.value) is ConfigurationError
    assert str(raised.value).startswith("TwiceFactory: state 'admin' is defined twice")
    assert "keep one of them" in str(raised.value)


def test_a_state_method_returning_no_dict_is_a_configuration_error() -> None:
    class BadStateFactory(UserFactory):
        @classmethod
        def state_broken(cls) -> Any:
            return ["role", "admin"]

    with pytest.raises(ConfigurationError) as raised:
        BadStateFactory.state("broken").build()
    assert str(raised.value) == (
        "BadStateFactory.state_broken() returned list; it must return a dict of field overrides, "
        "e.g. return {'role': 'admin'}"
    )


def test_an_unknown_name_in_a_state_method_is_unknown_field_error() -> None:
    class TypoStateFactory(UserFactory):
        @classmethod
        def state_typo(cls) -> dict[str, Any]:
            return {"rolle": "admin"}

    with pytest.raises(UnknownFieldError) as raised:
        TypoStateFactory.state("typo").build()
    assert str(raised.value).startswith("TypoStateFactory: state_typo() sets 'rolle' is not a mapped attribute")


def test_a_missing_required_field_is_missing_required_field_error() -> None:
    class InviteOnlyFactory(UserFactory):
        email = Require()

    with pytest.raises(MissingRequiredFieldError) as raised:
        InviteOnlyFactory.build()
    assert type(raised.value) is MissingRequiredFieldError
    assert (raised.value.factory_name, raised.value.field) == ("InviteOnlyFactory", "email")
    assert str(raised.value) == (
        "InviteOnlyFactory: field 'email' is declared Require() and must be passed as a keyword, "
        "e.g. InviteOnlyFactory.build(email=...)"
    )
    assert InviteOnlyFactory.build(email="given@test.example").email == "given@test.example"


# --------------------------------------------------------------------------- builder relationships


def test_has_with_an_unknown_relationship_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as raised:
        UserFactory.has(PostFactory, 2, relationship="articles")  # reported when has() is called
    assert type(raised.value) is ConfigurationError
    assert str(raised.value) == (
        "UserFactory.has(PostFactory): no relationship 'articles' links User and Post; choices: author, posts"
    )


def test_for_with_an_unknown_relationship_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as raised:
        PostFactory.for_(UserFactory.build(), relationship="writer")
    assert type(raised.value) is ConfigurationError
    assert str(raised.value) == (
        "PostFactory.for_(): Post has no relationship 'writer'; its relationships: author, comments, tags"
    )


def test_for_with_an_unrelated_parent_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as raised:
        TagFactory.for_(UserFactory.build())
    assert type(raised.value) is ConfigurationError
    message = str(raised.value)
    assert message.startswith("TagFactory.for_(): Tag has 0 relationships to User")
