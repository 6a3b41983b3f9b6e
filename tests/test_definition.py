"""SPEC §2.1 (where the model comes from, abstract bases) and §2.7 (``create_factory``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import ConfigurationError, ModelFactory, Sequence, UnknownFieldError

from .factories import UserFactory
from .models import Post, User
from .readback import fetch_one

T = TypeVar("T")


class NotMapped:
    """A plain class: not a SQLAlchemy model."""


# --------------------------------------------------------------------------- the three sources


def test_model_from_the_generic_parameter() -> None:
    class GenericUserFactory(ModelFactory[User]):
        name = "Ada"

    assert GenericUserFactory._meta.model is User
    assert isinstance(GenericUserFactory.build(), User)


def test_model_from_dunder_model() -> None:
    class DunderModelFactory(ModelFactory):  # type: ignore[type-arg]
        __model__: ClassVar[type[User]] = User
        name = "Ada"

    assert DunderModelFactory._meta.model is User
    assert isinstance(DunderModelFactory.build(), User)


def test_model_from_meta_model() -> None:
    class MetaUserFactory(ModelFactory):  # type: ignore[type-arg]
        name = "Ada"

        class Meta:
            model = User

    assert MetaUserFactory._meta.model is User
    assert isinstance(MetaUserFactory.build(), User)


def _generic_and_dunder() -> type:
    class ClashingFactory(ModelFactory[User]):
        __model__ = Post

    return ClashingFactory


def _generic_and_meta() -> type:
    class ClashingFactory(ModelFactory[User]):
        class Meta:
            model = Post

    return ClashingFactory


def _dunder_and_meta() -> type:
    class ClashingFactory(ModelFactory):  # type: ignore[type-arg]
        __model__ = User

        class Meta:
            model = Post

    return ClashingFactory


@pytest.mark.parametrize(
    ("define", "first", "second"),
    [
        pytest.param(_generic_and_dunder, "the generic parameter = User", "__model__ = Post", id="generic+dunder"),
        pytest.param(_generic_and_meta, "the generic parameter = User", "Meta.model = Post", id="generic+meta"),
        pytest.param(_dunder_and_meta, "__model__ = User", "Meta.model = Post", id="dunder+meta"),
    ],
)
def test_two_model_sources_that_disagree_fail_at_class_definition(
    define: Callable[[], type], first: str, second: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        define()
    assert type(raised.value) is ConfigurationError
    message = str(raised.value)
    assert message.startswith("ClashingFactory:")
    assert first in message
    assert second in message
    assert "keep one" in message


def test_model_sources_that_agree_are_fine() -> None:
    class AgreeingFactory(ModelFactory[User]):
        __model__ = User
        name = "Ada"

        class Meta:
            model = User

    assert AgreeingFactory._meta.model is User
    assert AgreeingFactory.build().name == "Ada"


def _not_mapped_generic() -> type:
    class NotMappedFactory(ModelFactory[NotMapped]):
        pass

    return NotMappedFactory


def _not_mapped_dunder() -> type:
    class NotMappedFactory(ModelFactory):  # type: ignore[type-arg]
        __model__ = NotMapped

    return NotMappedFactory


def _not_mapped_meta() -> type:
    class NotMappedFactory(ModelFactory):  # type: ignore[type-arg]
        class Meta:
            model = NotMapped

    return NotMappedFactory


@pytest.mark.parametrize("define", [_not_mapped_generic, _not_mapped_dunder, _not_mapped_meta])
def test_a_class_that_is_not_mapped_is_rejected_as_model(define: Callable[[], type]) -> None:
    with pytest.raises(ConfigurationError) as raised:
        define()
    assert type(raised.value) is ConfigurationError
    message = str(raised.value)
    assert message.startswith("NotMappedFactory:")
    assert "NotMapped" in message
    assert "not a mapped SQLAlchemy class" in message
    assert "DeclarativeBase" in message  # the fix


# --------------------------------------------------------------------------- abstract bases


class NoModelBase(ModelFactory):  # type: ignore[type-arg]
    name = "Shared Name"
    email = Sequence(lambda n: f"no-model{n}@test.example")


class TypeVarBase(ModelFactory[T]):
    name = "Shared Name"
    email = Sequence(lambda n: f"typevar{n}@test.example")


class MetaAbstractBase(ModelFactory):  # type: ignore[type-arg]
    name = "Shared Name"
    email = Sequence(lambda n: f"meta-abstract{n}@test.example")

    class Meta:
        abstract = True


class DunderBase(ModelFactory):  # type: ignore[type-arg]
    __is_base_factory__ = True
    name = "Shared Name"
    email = Sequence(lambda n: f"dunder-base{n}@test.example")


class NoModelUserFactory(NoModelBase):
    __model__ = User


class TypeVarUserFactory(TypeVarBase[User]):
    pass


class MetaAbstractUserFactory(MetaAbstractBase):
    class Meta:
        model = User


class DunderUserFactory(DunderBase):
    __model__ = User


ABSTRACT_BASES = [NoModelBase, TypeVarBase, MetaAbstractBase, DunderBase]
CONCRETE_CHILDREN = [NoModelUserFactory, TypeVarUserFactory, MetaAbstractUserFactory, DunderUserFactory]
BASE_IDS = ["no-model", "typevar", "meta-abstract", "is-base-factory"]

BUILDING_CALLS: dict[str, Callable[[Any], object]] = {
    "build": lambda factory: factory.build(),
    "make": lambda factory: factory.make(),
    "build_batch": lambda factory: factory.build_batch(2),
    "make_batch": lambda factory: factory.make_batch(2),
    "batch": lambda factory: factory.batch(2),
    "attributes": lambda factory: factory.attributes(),
    "build_stubbed": lambda factory: factory.build_stubbed(),
    "stub": lambda factory: factory.stub(),
}


@pytest.mark.parametrize("base", ABSTRACT_BASES, ids=BASE_IDS)
def test_abstract_bases_are_abstract_and_have_no_model(base: Any) -> None:
    assert base._meta.abstract is True
    assert base._meta.model is None


@pytest.mark.parametrize("call", BUILDING_CALLS.values(), ids=BUILDING_CALLS.keys())
@pytest.mark.parametrize("base", ABSTRACT_BASES, ids=BASE_IDS)
def test_an_abstract_base_refuses_to_build(base: Any, call: Callable[[Any], object]) -> None:
    with pytest.raises(ConfigurationError) as raised:
        call(base)
    assert type(raised.value) is ConfigurationError
    message = str(raised.value)
    assert message.startswith(f"{base.__name__} is an abstract base factory")
    assert "subclass it" in message


@pytest.mark.parametrize("base", ABSTRACT_BASES, ids=BASE_IDS)
async def test_an_abstract_base_refuses_to_create(base: Any, session: AsyncSession) -> None:
    with pytest.raises(ConfigurationError, match=rf"^{base.__name__} is an abstract base factory"):
        await base.create(session=session)
    with pytest.raises(ConfigurationError, match=rf"^{base.__name__} is an abstract base factory"):
        await base.create_many(2, session=session)
    assert not session.new


def test_the_fix_suggested_for_an_abstract_base_is_valid_python() -> None:
    """``Base[User]`` only for a base that is still generic; ``__model__`` otherwise."""
    with pytest.raises(ConfigurationError) as generic:
        TypeVarBase.build()
    assert "class UserFactory(TypeVarBase[User])" in str(generic.value)
    for base in (NoModelBase, MetaAbstractBase, DunderBase):
        with pytest.raises(ConfigurationError) as plain:
            base.build()
        assert f"class UserFactory({base.__name__}): __model__ = User" in str(plain.value)


@pytest.mark.parametrize("child", CONCRETE_CHILDREN, ids=BASE_IDS)
def test_an_abstract_base_carries_its_declarations_to_subclasses(child: Any) -> None:
    assert child._meta.abstract is False
    assert child._meta.model is User
    first, second = child.build_batch(2)
    assert first.name == second.name == "Shared Name"
    assert first.email != second.email


@pytest.mark.parametrize("child", CONCRETE_CHILDREN, ids=BASE_IDS)
async def test_a_subclass_of_an_abstract_base_creates(
    child: Any, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    user = await child.create(session=session)
    await session.commit()
    row = await fetch_one(fresh_session, select(User).where(User.id == user.id))
    assert row.name == "Shared Name"
    assert row.email == user.email


def test_meta_abstract_wins_over_a_model() -> None:
    class AbstractWithModel(ModelFactory[User]):
        name = "Ada"

        class Meta:
            abstract = True

    class ConcreteChild(AbstractWithModel):
        email = "ada@test.example"

    with pytest.raises(ConfigurationError, match=r"^AbstractWithModel is an abstract base factory"):
        AbstractWithModel.build()
    assert ConcreteChild.build().name == "Ada"


def test_an_unknown_name_in_an_abstract_base_is_reported_on_the_concrete_subclass() -> None:
    class LooseBase(ModelFactory):  # type: ignore[type-arg]
        nmae = "typo"

    with pytest.raises(UnknownFieldError, match=r"^ConcreteFactory: declaration 'nmae'"):

        class ConcreteFactory(LooseBase):
            __model__ = User


# --------------------------------------------------------------------------- inheritance


def test_a_subclass_of_a_concrete_factory_inherits_the_model() -> None:
    class SpecialUserFactory(UserFactory):
        role = "special"

    assert SpecialUserFactory._meta.model is User
    assert SpecialUserFactory._meta.abstract is False
    user = SpecialUserFactory.build()
    assert isinstance(user, User)
    assert user.role == "special"
    assert user.email.endswith("@test.example")  # inherited declaration


def test_a_subclass_may_name_the_same_model_again() -> None:
    class AgainUserFactory(UserFactory):
        __model__ = User

    assert AgainUserFactory._meta.model is User


# --------------------------------------------------------------------------- create_factory (§2.7)


def test_create_factory_on_model_factory_builds_a_factory_for_the_model() -> None:
    factory = ModelFactory.create_factory(User, name="x")
    assert issubclass(factory, ModelFactory)
    assert factory._meta.model is User
    assert factory._meta.abstract is False
    user = factory.build()
    assert isinstance(user, User)
    assert user.name == "x"


def test_create_factory_on_a_factory_derives_a_subclass_with_the_overrides() -> None:
    factory = UserFactory.create_factory(name="y")
    assert issubclass(factory, UserFactory)
    assert factory is not UserFactory
    assert factory._meta.model is User
    user = factory.build()
    assert user.name == "y"
    assert user.email.endswith("@test.example")  # UserFactory's declaration, inherited
    assert factory.build(admin=True).role == "admin"  # and its Params


def test_create_factory_on_an_abstract_base_with_a_model_makes_it_concrete() -> None:
    factory = DunderBase.create_factory(User)
    assert issubclass(factory, DunderBase)
    assert factory.build().name == "Shared Name"


async def test_factories_from_create_factory_persist(session: AsyncSession, fresh_session: AsyncSession) -> None:
    plain = ModelFactory.create_factory(User, name="x", email=Sequence(lambda n: f"cf-plain{n}@test.example"))
    derived = UserFactory.create_factory(name="y")
    first = await plain.create(session=session)
    second = await derived.create(session=session)
    await session.commit()
    assert (await fetch_one(fresh_session, select(User).where(User.id == first.id))).name == "x"
    assert (await fetch_one(fresh_session, select(User).where(User.id == second.id))).name == "y"


def test_create_factory_without_a_model_on_an_abstract_base_fails() -> None:
    with pytest.raises(ConfigurationError) as raised:
        NoModelBase.create_factory(name="x")
    assert type(raised.value) is ConfigurationError
    message = str(raised.value)
    assert message.startswith("NoModelBase.create_factory() needs a model")
    assert "NoModelBase.create_factory(User, ...)" in message


def test_create_factory_rejects_a_class_that_is_not_mapped() -> None:
    with pytest.raises(ConfigurationError, match="is not a mapped SQLAlchemy class"):
        ModelFactory.create_factory(NotMapped)


def test_create_factory_checks_the_declarations_it_is_given() -> None:
    with pytest.raises(UnknownFieldError) as raised:
        ModelFactory.create_factory(User, nmae="x")
    assert raised.value.field == "nmae"
    assert "UserFactory: declaration 'nmae'" in str(raised.value)
