"""SPEC §2.5: polyfactory's class attributes are aliases of the ``class Meta`` options."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import faker
import pytest
from polyfactory.factories.base import BaseFactory
from polyfactory.factories.sqlalchemy_factory import SQLAlchemyFactory, SQLAlchemyPersistenceMethod
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from asyncfactories import ConfigurationError, ModelFactory, Sequence, SessionConflictError
from asyncfactories.definition.metaclass import ModelFactoryMeta
from asyncfactories.definition.options import CLASS_ALIASES, SESSION_ALIASES, UNSUPPORTED_ALIASES

from .models import Account, User
from .readback import fetch_all

CUSTOM_FAKER = faker.Faker()

#: ``(alias, value given, Meta option, the option's value)`` for every row of SPEC §2.5's table
#: that is read when the class is defined.
ALIASES: list[tuple[str, Any, str, Any]] = [
    ("__is_base_factory__", True, "abstract", True),
    ("__is_base_factory__", False, "abstract", False),
    ("__random_seed__", 1234, "random_seed", 1234),
    ("__faker__", CUSTOM_FAKER, "faker", CUSTOM_FAKER),
    ("__check_model__", False, "check_model", False),
    ("__allow_none_optionals__", False, "fill_optionals", True),
    ("__allow_none_optionals__", True, "fill_optionals", False),
    ("__use_defaults__", False, "use_defaults", False),
    ("__set_relationships__", True, "set_relationships", True),
    ("__randomize_collection_length__", True, "randomize_collection_length", True),
    ("__min_collection_length__", 3, "min_collection_length", 3),
    ("__max_collection_length__", 7, "max_collection_length", 7),
    ("__set_as_default_factory_for_type__", True, "default_for_model", True),
]

#: Option defaults when no alias or ``Meta`` sets them (the table's last column).
DEFAULTS: dict[str, Any] = {
    "abstract": False,
    "random_seed": None,
    "faker": None,
    "check_model": True,
    "fill_optionals": False,
    "use_defaults": True,
    "set_relationships": False,
    "randomize_collection_length": False,
    "min_collection_length": 1,
    "max_collection_length": 5,
    "default_for_model": False,
    "sqlalchemy_session": None,
}


def _account_factory(name: str = "AliasedFactory", **attrs: Any) -> Any:
    """A factory class for ``Account`` (a model no other test relies on a default factory for)."""
    body: dict[str, Any] = {"__model__": Account, "__module__": __name__, "name": Sequence(lambda n: f"alias-{n}")}
    body.update(attrs)
    return ModelFactoryMeta(name, (ModelFactory,), body)


def _enabling(option: str) -> dict[str, Any]:
    """The collection-length options need ``set_relationships`` on, or the class is an error."""
    return {"__set_relationships__": True} if option.endswith("collection_length") else {}


def _alias_id(row: tuple[str, Any, str, Any]) -> str:
    alias, given, _option, _value = row
    return f"{alias}={given!r}" if not isinstance(given, faker.Faker) else alias


@pytest.mark.parametrize(("alias", "given", "option", "expected"), ALIASES, ids=[_alias_id(row) for row in ALIASES])
def test_each_alias_sets_its_meta_option(alias: str, given: Any, option: str, expected: Any) -> None:
    factory = _account_factory(**_enabling(option), **{alias: given})
    assert getattr(factory._meta, option) == expected


def test_options_have_their_documented_defaults() -> None:
    factory = _account_factory()
    for option, expected in DEFAULTS.items():
        assert getattr(factory._meta, option) == expected, option
    assert factory._meta.sqlalchemy_session_persistence == "flush"


def test_model_alias_sets_the_model() -> None:
    factory = _account_factory()
    assert factory._meta.model is Account
    assert isinstance(factory.build(), Account)


def test_is_base_factory_makes_an_abstract_base_that_refuses_to_build() -> None:
    base = _account_factory("AccountBaseFactory", __is_base_factory__=True)
    with pytest.raises(ConfigurationError, match="AccountBaseFactory is an abstract base factory and cannot build"):
        base.build()
    child = ModelFactoryMeta("ConcreteAccountFactory", (base,), {"__module__": __name__})
    assert child._meta.abstract is False
    assert isinstance(child.build(), Account)


def test_faker_alias_is_what_field_generators_see() -> None:
    factory = _account_factory(__faker__=CUSTOM_FAKER)
    assert factory.__faker__ is CUSTOM_FAKER


def test_check_model_alias_turns_the_check_off() -> None:
    with pytest.raises(TypeError, match="'nickname' is not a mapped attribute"):
        _account_factory(nickname="x")
    unchecked = _account_factory(__check_model__=False, nickname="x")
    assert unchecked._meta.check_model is False


def test_aliases_are_inherited_like_the_options() -> None:
    base = _account_factory("LenientBaseFactory", __check_model__=False, __allow_none_optionals__=False)
    child = ModelFactoryMeta("LenientChildFactory", (base,), {"__module__": __name__})
    assert child._meta.check_model is False
    assert child._meta.fill_optionals is True


def test_random_seed_alias_is_not_inherited() -> None:
    base = _account_factory("SeededBaseFactory", __random_seed__=99)
    child = ModelFactoryMeta("SeededChildFactory", (base,), {"__module__": __name__})
    assert base._meta.random_seed == 99
    assert child._meta.random_seed is None


DISAGREEING: list[tuple[str, Any, str, Any]] = [
    ("__is_base_factory__", True, "abstract", False),
    ("__random_seed__", 1, "random_seed", 2),
    ("__faker__", CUSTOM_FAKER, "faker", faker.Faker()),
    ("__check_model__", False, "check_model", True),
    ("__allow_none_optionals__", False, "fill_optionals", False),
    ("__allow_none_optionals__", True, "fill_optionals", True),
    ("__use_defaults__", False, "use_defaults", True),
    ("__set_relationships__", True, "set_relationships", False),
    ("__randomize_collection_length__", True, "randomize_collection_length", False),
    ("__min_collection_length__", 2, "min_collection_length", 3),
    ("__max_collection_length__", 2, "max_collection_length", 3),
    ("__set_as_default_factory_for_type__", True, "default_for_model", False),
]


@pytest.mark.parametrize(
    ("alias", "given", "option", "meta_value"), DISAGREEING, ids=[_alias_id(row) for row in DISAGREEING]
)
def test_an_alias_disagreeing_with_meta_fails_at_class_definition(
    alias: str, given: Any, option: str, meta_value: Any
) -> None:
    meta = type("Meta", (), {option: meta_value})
    with pytest.raises(ConfigurationError) as raised:
        _account_factory("ConflictFactory", Meta=meta, **{alias: given})
    message = str(raised.value)
    assert message.startswith(f"ConflictFactory: {alias} = {given!r} disagrees with Meta.{option} = ")
    assert message.endswith("set only one of them")


@pytest.mark.parametrize(("alias", "given", "option", "expected"), ALIASES, ids=[_alias_id(row) for row in ALIASES])
def test_an_alias_agreeing_with_meta_is_fine(alias: str, given: Any, option: str, expected: Any) -> None:
    meta = type("Meta", (), {option: expected})
    factory = _account_factory("AgreeingFactory", Meta=meta, **_enabling(option), **{alias: given})
    assert getattr(factory._meta, option) == expected


def test_the_model_alias_disagreeing_with_meta_model_fails() -> None:
    meta = type("Meta", (), {"model": User})
    with pytest.raises(ConfigurationError, match="the model is given more than once and disagrees"):
        _account_factory("TwoModelsFactory", Meta=meta)


# --------------------------------------------------------------------------- session aliases


@pytest.fixture
def session_base() -> Iterator[Any]:
    """An abstract base whose ``__async_session__`` a test assigns at run time, as a conftest does."""
    base = ModelFactoryMeta("SessionBaseFactory", (ModelFactory,), {"__module__": __name__})
    yield base
    if "__async_session__" in vars(base):
        delattr(base, "__async_session__")


@pytest.mark.parametrize("alias", ["__async_session__", "__session__"])
async def test_a_session_alias_is_used_by_create(
    alias: str, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    factory = _account_factory("SessionAliasFactory", **{alias: session})
    account = await factory.create()
    await session.commit()
    rows = await fetch_all(fresh_session, select(Account.id))
    assert rows == [account.id]


def test_the_session_alias_works_for_sync_calls(sync_session: Session) -> None:
    factory = _account_factory("SyncSessionAliasFactory", __session__=sync_session)
    account = factory.create_sync()
    assert account.id is not None
    assert account in sync_session


async def test_a_session_alias_assigned_at_run_time_is_used_by_subclasses(
    session_base: Any, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    child = ModelFactoryMeta(
        "LateBoundAccountFactory",
        (session_base,),
        {"__module__": __name__, "__model__": Account, "name": Sequence(lambda n: f"late-{n}")},
    )
    session_base.__async_session__ = session
    account = await child.create()
    await session.commit()
    assert await fetch_all(fresh_session, select(Account.id)) == [account.id]


async def test_a_subclasss_own_session_alias_wins_over_its_bases(
    session_base: Any, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    session_base.__async_session__ = fresh_session
    child = ModelFactoryMeta(
        "OwnSessionAccountFactory",
        (session_base,),
        {"__module__": __name__, "__model__": Account, "name": "own", "__async_session__": session},
    )
    account = await child.create()
    assert account in session
    assert account not in fresh_session


async def test_a_session_maker_as_alias_opens_a_session_per_call(
    engine: AsyncEngine, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    maker = async_sessionmaker(engine, expire_on_commit=False)
    meta = type("Meta", (), {"sqlalchemy_session_persistence": "commit"})
    factory = _account_factory("MakerAliasFactory", __async_session__=maker, Meta=meta)
    account = await factory.create()
    assert account.id is not None  # readable after the library closed its own session
    assert await fetch_all(fresh_session, select(Account.name)) == [account.name]


async def test_a_session_alias_disagreeing_with_meta_fails_at_class_definition(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    meta = type("Meta", (), {"sqlalchemy_session": fresh_session})
    with pytest.raises(ConfigurationError) as raised:
        _account_factory("TwoSessionsFactory", Meta=meta, __async_session__=session)
    message = str(raised.value)
    assert message.startswith("TwoSessionsFactory: __async_session__ = ")
    assert "Meta.sqlalchemy_session = " in message
    assert message.endswith("disagree; set only one of them")
    with pytest.raises(ConfigurationError, match=r"__async_session__ = .* and __session__ = .* disagree"):
        _account_factory("TwoAliasesFactory", __async_session__=session, __session__=fresh_session)
    # Agreeing is fine.
    same = _account_factory(
        "SameSessionFactory", Meta=type("Meta", (), {"sqlalchemy_session": session}), __async_session__=session
    )
    assert same.__async_session__ is session


async def test_a_session_alias_with_a_session_factory_fails_at_class_definition(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    meta = type("Meta", (), {"sqlalchemy_session_factory": async_sessionmaker(engine)})
    expected = r"set either __async_session__ .* or Meta\.sqlalchemy_session_factory, not both"
    with pytest.raises(RuntimeError, match=expected) as raised:  # factory_boy's type, as SPEC §10 asks
        _account_factory("SessionAndFactoryFactory", Meta=meta, __async_session__=session)
    assert type(raised.value) is SessionConflictError


# ----------------------------------------------------------------- persistence method, unsupported options

PERSISTENCE_METHODS = [
    (SQLAlchemyPersistenceMethod.FLUSH, "flush"),
    (SQLAlchemyPersistenceMethod.COMMIT, "commit"),
    ("flush", "flush"),
    ("commit", "commit"),
]


@pytest.mark.parametrize(("given", "mode"), PERSISTENCE_METHODS, ids=[repr(given) for given, _ in PERSISTENCE_METHODS])
def test_persistence_method_alias_sets_the_persistence_mode(given: Any, mode: str) -> None:
    factory = _account_factory(__persistence_method__=given)
    assert factory._meta.sqlalchemy_session_persistence == mode


async def test_persistence_method_commit_commits(session: AsyncSession, fresh_session: AsyncSession) -> None:
    factory = _account_factory("CommittingAccountFactory", __persistence_method__=SQLAlchemyPersistenceMethod.COMMIT)
    account = await factory.create(session=session)
    assert not session.in_transaction()  # committed by the factory, not by the test
    assert await fetch_all(fresh_session, select(Account.id)) == [account.id]


def test_a_bad_persistence_method_fails_at_class_definition() -> None:
    with pytest.raises(ConfigurationError) as raised:
        _account_factory("BadMethodFactory", __persistence_method__="save")
    assert str(raised.value) == (
        "BadMethodFactory: __persistence_method__ = 'save' is not valid: use "
        "SQLAlchemyPersistenceMethod.FLUSH or .COMMIT, or 'flush' / 'commit'"
    )


def test_persistence_method_disagreeing_with_meta_fails() -> None:
    meta = type("Meta", (), {"sqlalchemy_session_persistence": "flush"})
    with pytest.raises(ConfigurationError, match=r"disagrees with Meta.sqlalchemy_session_persistence = 'flush'"):
        _account_factory("TwoModesFactory", __persistence_method__="commit", Meta=meta)


@pytest.mark.parametrize("alias", sorted(UNSUPPORTED_ALIASES))
@pytest.mark.parametrize("value", [True, False])
def test_an_unsupported_polyfactory_option_fails_at_class_definition(alias: str, value: bool) -> None:
    with pytest.raises(ConfigurationError) as raised:
        _account_factory("PortedFactory", **{alias: value})
    assert str(raised.value) == (
        f"PortedFactory: {alias} is a polyfactory option that asyncfactories does not support: "
        f"{UNSUPPORTED_ALIASES[alias]}"
    )


#: polyfactory options asyncfactories reads under the same name, with no alias needed.
NATIVE = {"__random__"}


@pytest.mark.parametrize("key", sorted(set(SQLAlchemyFactory.__config_keys__) | set(BaseFactory.__config_keys__)))
def test_no_polyfactory_option_is_silently_ignored(key: str) -> None:
    """Every key polyfactory's SQLAlchemyFactory configures is an alias, native, or an error."""
    known = CLASS_ALIASES.keys() | set(SESSION_ALIASES) | UNSUPPORTED_ALIASES.keys() | NATIVE
    assert key in known, f"polyfactory's {key} is neither an alias nor rejected: add it to options.py"


COLLECTION_OPTIONS = {
    "min, by alias": ({"__min_collection_length__": 3}, "__min_collection_length__"),
    "max, in Meta": ({"Meta": type("Meta", (), {"max_collection_length": 9})}, "Meta.max_collection_length"),
    "randomize, by alias": ({"__randomize_collection_length__": True}, "__randomize_collection_length__"),
    "set_relationships off explicitly": (
        {"__set_relationships__": False, "__min_collection_length__": 2},
        "__min_collection_length__",
    ),
}


@pytest.mark.parametrize(("attrs", "written"), list(COLLECTION_OPTIONS.values()), ids=list(COLLECTION_OPTIONS))
def test_collection_length_options_without_set_relationships_fail_at_class_definition(
    attrs: dict[str, Any], written: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        _account_factory("SilentFactory", **attrs)
    assert str(raised.value) == (
        f"SilentFactory: {written} has no effect while set_relationships is False (the default here, "
        f"unlike polyfactory's): set Meta.set_relationships = True (or __set_relationships__ = True) to "
        f"fill the model's collections, or remove {written}"
    )


def test_collection_length_options_without_auto_fields_name_both_options() -> None:
    with pytest.raises(
        ConfigurationError,
        match=r"SilentFactory: __min_collection_length__ has no effect while "
        r"auto_fields is False; remove it, or set auto_fields = True and set_relationships = True",
    ):
        _account_factory(
            "SilentFactory",
            __min_collection_length__=3,
            __set_relationships__=True,
            Meta=type("Meta", (), {"auto_fields": False}),
        )


def test_an_abstract_base_may_set_collection_lengths_for_its_subclasses() -> None:
    base = _account_factory("CollectionBase", __is_base_factory__=True, __min_collection_length__=3)
    child = ModelFactoryMeta("ChildFactory", (base,), {"__module__": __name__, "__set_relationships__": True})
    assert (child._meta.min_collection_length, child._meta.set_relationships) == (3, True)
