"""SPEC §2.6: the model check — unknown names in declarations, traits and call keywords."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from factory.errors import InvalidDeclarationError
from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import (
    ConfigurationError,
    LazyAttribute,
    LazyFunction,
    ModelFactory,
    RelatedFactory,
    Sequence,
    SubFactory,
    Trait,
    UnknownFieldError,
    post_generation,
)

from .conftest import StatementLog
from .factories import CommentFactory, PostFactory, UserFactory
from .models import Invitation, Post, Profile, User


def _assert_unknown(raised: pytest.ExceptionInfo[UnknownFieldError], factory: str, where: str, field: str) -> str:
    error = raised.value
    assert type(error) is UnknownFieldError
    assert isinstance(error, TypeError)
    assert (error.factory_name, error.field) == (factory, field)
    message = str(error)
    assert message.startswith(f"{factory}: {where} {field!r} is not a mapped attribute")
    assert "Meta.check_model = False" in message
    assert "__check_model__ = False" in message
    return message


# --------------------------------------------------------------------------- at class definition


def test_an_unknown_declaration_fails_when_the_class_is_defined() -> None:
    with pytest.raises(UnknownFieldError) as raised:

        class TypoFactory(ModelFactory[User]):
            nmae = "Ada"

    message = _assert_unknown(raised, "TypoFactory", "declaration", "nmae")
    assert "did you mean 'name'?" in message


def test_an_unknown_name_without_a_close_match_lists_the_valid_names() -> None:
    with pytest.raises(UnknownFieldError) as raised:

        class WildFactory(ModelFactory[User]):
            zzzzzz = 1

    message = _assert_unknown(raised, "WildFactory", "declaration", "zzzzzz")
    assert "valid names are" in message
    assert "email" in message and "posts" in message


def test_an_unknown_trait_key_fails_when_the_class_is_defined() -> None:
    with pytest.raises(UnknownFieldError) as raised:

        class TraitTypoFactory(ModelFactory[User]):
            class Params:
                vip = Trait(rolee="vip")

    message = _assert_unknown(raised, "TraitTypoFactory", "Params.vip sets", "rolee")
    assert "did you mean 'role'?" in message


def test_a_deep_declaration_without_its_sub_factory_is_factory_boys_error() -> None:
    """factory_boy rejects ``x__y`` with no ``x`` declared before the model check runs."""
    with pytest.raises(InvalidDeclarationError, match="auther__name"):

        class DeepTypoFactory(ModelFactory[Post]):
            auther__name = "Ada"


def test_a_subclass_is_checked_with_its_inherited_declarations() -> None:
    class LooseBase(ModelFactory):  # type: ignore[type-arg]
        titel = "typo, but no model yet"

    with pytest.raises(UnknownFieldError) as raised:

        class LoosePostFactory(LooseBase):
            __model__ = Post

    _assert_unknown(raised, "LoosePostFactory", "declaration", "titel")


# --------------------------------------------------------------------------- at call time

KeywordCall = Callable[[Any], object]

BUILD_CALLS: dict[str, KeywordCall] = {
    "build": lambda f: f.build(nmae="Ada"),
    "make": lambda f: f.make(nmae="Ada"),
    "build_batch": lambda f: f.build_batch(2, nmae="Ada"),
    "batch": lambda f: f.batch(2, nmae="Ada"),
    "attributes": lambda f: f.attributes(nmae="Ada"),
    "build_stubbed": lambda f: f.build_stubbed(nmae="Ada"),
}

CreateCall = Callable[[Any, AsyncSession], Awaitable[object]]

CREATE_CALLS: dict[str, CreateCall] = {
    "create": lambda f, s: f.create(session=s, nmae="Ada"),
    "create_many": lambda f, s: f.create_many(2, session=s, nmae="Ada"),
    "create_batch": lambda f, s: f.create_batch(2, session=s, nmae="Ada"),
}


@pytest.mark.parametrize("call", BUILD_CALLS.values(), ids=BUILD_CALLS.keys())
def test_an_unknown_keyword_fails_when_building(call: KeywordCall) -> None:
    with pytest.raises(UnknownFieldError) as raised:
        call(UserFactory)
    message = _assert_unknown(raised, "UserFactory", "keyword", "nmae")
    assert "did you mean 'name'?" in message


@pytest.mark.parametrize("call", CREATE_CALLS.values(), ids=CREATE_CALLS.keys())
async def test_an_unknown_keyword_fails_when_creating_before_any_sql(
    call: CreateCall, session: AsyncSession, statements: StatementLog
) -> None:
    with pytest.raises(UnknownFieldError) as raised:
        await call(UserFactory, session)
    _assert_unknown(raised, "UserFactory", "keyword", "nmae")
    assert statements.statements == []


async def test_an_unknown_keyword_fails_even_with_no_session() -> None:
    with pytest.raises(UnknownFieldError):
        await UserFactory.create(nmae="Ada")


def test_an_unknown_deep_keyword_fails() -> None:
    with pytest.raises(UnknownFieldError) as raised:
        PostFactory.build(auther__name="Ada")
    _assert_unknown(raised, "PostFactory", "keyword", "auther")


def test_a_keyword_through_a_sub_factory_is_checked_against_that_factory() -> None:
    """SPEC §2.6: ``author__nmae`` is ``nmae`` for ``UserFactory``, the ``author`` SubFactory's."""
    with pytest.raises(UnknownFieldError) as raised:
        PostFactory.build(author__nmae="x")
    error = raised.value
    assert (type(error), error.factory_name, error.field) == (UnknownFieldError, "UserFactory", "nmae")
    assert str(error).startswith(
        "UserFactory: keyword 'nmae' (given to PostFactory as author__nmae) is not a mapped attribute"
    )
    assert "did you mean 'name'?" in str(error)


def test_a_keyword_two_sub_factories_deep_names_the_innermost_factory() -> None:
    with pytest.raises(UnknownFieldError) as raised:
        CommentFactory.build(text="Hi", post__title="T", post__author__emial="x@test.example")
    assert str(raised.value).startswith(
        "UserFactory: keyword 'emial' (given to CommentFactory as post__author__emial) is not a mapped"
    )
    assert "did you mean 'email'?" in str(raised.value)


async def test_a_keyword_through_a_sub_factory_fails_before_any_sql(
    session: AsyncSession, statements: StatementLog
) -> None:
    with pytest.raises(UnknownFieldError, match=r"^UserFactory: keyword 'nmae' \(given to PostFactory"):
        await PostFactory.create(session=session, author__nmae="x")
    assert statements.statements == []


def test_valid_keywords_through_sub_factories_pass() -> None:
    comment = CommentFactory.build(post__author__name="Ada", post__author__admin=True, author__role="guest")
    assert (comment.post.author.name, comment.post.author.role, comment.author.role) == ("Ada", "admin", "guest")


def test_a_sub_factory_with_the_check_off_lets_its_keywords_through() -> None:
    class LooseUserFactory(UserFactory):
        class Meta:
            check_model = False

    class LoosePostFactory(ModelFactory[Post]):
        author = SubFactory(LooseUserFactory)

    with pytest.raises(TypeError) as raised:
        LoosePostFactory.build(author__nmae="x")
    assert not isinstance(raised.value, UnknownFieldError)
    assert "'nmae' is an invalid keyword argument for User" in str(raised.value)


# --------------------------------------------------------------------------- what is valid


class HybridProfileFactory(ModelFactory[Profile]):
    full_name = "Ada Lovelace"  # a hybrid property with a setter


class InvitationFactory(ModelFactory[Invitation]):
    email = Sequence(lambda n: f"invite{n}@test.example")
    valid_for = 30  # an argument of the model's own __init__, not a column


class EverythingValidPostFactory(ModelFactory[Post]):
    title = LazyAttribute(lambda post: "Draft" if post.draft else "Published")
    author = SubFactory(UserFactory)  # a relationship
    author__name = "Deep Default"  # a deep key
    scratch = "excluded from the model"
    first_comment = RelatedFactory(CommentFactory, factory_related_name="post")

    class Meta:
        exclude = ("scratch",)

    class Params:
        draft = False  # a Params entry
        featured = Trait(body="Featured!", author__role="star")

    @post_generation
    def stamp(post: Post, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805 - factory_boy's signature
        if extracted:
            post.body = extracted


def test_valid_names_pass_the_check() -> None:
    assert HybridProfileFactory.build().first_name == "Ada"
    assert HybridProfileFactory.build(full_name="Grace Hopper").last_name == "Hopper"
    assert InvitationFactory.build().expires_in_days == 30
    assert InvitationFactory.build(valid_for=3).expires_in_days == 3
    post = EverythingValidPostFactory.build(
        draft=True,  # Params entry
        featured=True,  # Trait flag
        scratch="ignored",  # Meta.exclude
        stamp="Stamped",  # post-generation hook
        stamp__unused=1,  # post-generation hook, deep
        author__email="deep@test.example",  # SubFactory deep key
        first_comment__text="Hi",  # RelatedFactory deep key
        author=UserFactory.build(name="Given"),  # relationship
        id=5,  # column
    )
    assert (post.title, post.body, post.id) == ("Draft", "Stamped", 5)
    assert post.author.name == "Given"


class LocalBase(DeclarativeBase):
    """Models of this module only: never created in a database."""


class Animal(LocalBase):
    __tablename__ = "animals"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(50))
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "animal"}  # noqa: RUF012


class Dog(Animal):
    __tablename__ = "dogs"
    id: Mapped[int] = mapped_column(ForeignKey("animals.id"), primary_key=True)
    good: Mapped[bool] = mapped_column(default=True)
    __mapper_args__ = {"polymorphic_identity": "dog"}  # noqa: RUF012


class Account(LocalBase):
    """The common custom constructor: one extra argument, the rest forwarded to SQLAlchemy's."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str | None] = mapped_column(String(80))

    def __init__(self, password: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if password is not None:
            self.password_hash = f"hashed:{password}"


class Loose(LocalBase):
    __tablename__ = "loose"
    id: Mapped[int] = mapped_column(primary_key=True)

    def __init__(self, **anything: Any) -> None:
        self.extras = anything


def test_a_mapped_subclass_is_checked_against_its_own_and_inherited_attributes() -> None:
    class DogFactory(ModelFactory[Dog]):
        name = "Rex"
        good = False

    assert (DogFactory.build().name, DogFactory.build().good) == ("Rex", False)
    with pytest.raises(UnknownFieldError):
        DogFactory.build(bark=True)


class AccountFactory(ModelFactory[Account]):
    name = "Ada"
    password = "s3cret"  # the constructor's own argument


def test_a_forwarding_kwargs_constructor_accepts_its_arguments_and_the_mapped_names() -> None:
    """SPEC §2.6: ``**kwargs`` forwarded to SQLAlchemy's constructor accepts mapped names only."""
    account = AccountFactory.build(name="Grace", password="other")
    assert (account.name, account.password_hash) == ("Grace", "hashed:other")
    assert AccountFactory.build(password_hash="given", password=None).password_hash == "given"


def test_a_typo_through_a_forwarding_kwargs_constructor_is_an_unknown_field_error() -> None:
    with pytest.raises(UnknownFieldError) as raised:
        AccountFactory.build(nmae="Grace")
    message = _assert_unknown(raised, "AccountFactory", "keyword", "nmae")
    assert "did you mean 'name'?" in message


def test_a_typo_declared_on_a_forwarding_kwargs_model_fails_when_the_class_is_defined() -> None:
    with pytest.raises(UnknownFieldError) as raised:

        class PasswrdFactory(ModelFactory[Account]):
            passwrd = "s3cret"

    message = _assert_unknown(raised, "PasswrdFactory", "declaration", "passwrd")
    assert "did you mean 'password'" in message


def test_a_kwargs_constructor_that_keeps_unknown_names_needs_check_model_off() -> None:
    """A constructor that does not forward its ``**kwargs`` is the rare case: switch the check off."""
    with pytest.raises(UnknownFieldError):

        class CheckedLooseFactory(ModelFactory[Loose]):
            whatever = 1

    class LooseFactory(ModelFactory[Loose]):
        __check_model__ = False
        whatever = 1

    assert LooseFactory.build(anything_else=2).extras == {"whatever": 1, "anything_else": 2}


def test_a_factory_defined_before_its_related_models_leaves_the_mappers_usable() -> None:
    """Defining a factory configures no mapper: while ``Book`` or ``Card`` is not defined yet,
    configuring would fail and leave every mapper of the registry unusable for good."""

    class LateBase(DeclarativeBase):
        pass

    class Shelf(LateBase):
        __tablename__ = "shelves"
        id: Mapped[int] = mapped_column(primary_key=True)
        label: Mapped[str] = mapped_column(String(20))
        books: Mapped[list[Book]] = relationship(back_populates="shelf")

    class ShelfFactory(ModelFactory[Shelf]):
        label = "Fiction"

    with pytest.raises(UnknownFieldError, match=r"^ShelfTypoFactory: declaration 'lable'"):

        class ShelfTypoFactory(ModelFactory[Shelf]):
            lable = "Fiction"

    class Reader(LateBase):
        __tablename__ = "readers"
        id: Mapped[int] = mapped_column(primary_key=True)
        card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
        card: Mapped[Card | None] = relationship()

    class Book(LateBase):
        __tablename__ = "books"
        id: Mapped[int] = mapped_column(primary_key=True)
        shelf_id: Mapped[int] = mapped_column(ForeignKey("shelves.id"))
        reader_id: Mapped[int | None] = mapped_column(ForeignKey("readers.id"))
        shelf: Mapped[Shelf] = relationship(back_populates="books")
        reader: Mapped[Reader | None] = relationship(backref="borrowed")

    class ReaderFactory(ModelFactory[Reader]):
        borrowed = LazyFunction(list)  # Book.reader's backref: Reader has it once configured

    with pytest.raises(UnknownFieldError, match=r"^ReaderTypoFactory: declaration 'borowed'"):

        class ReaderTypoFactory(ModelFactory[Reader]):
            borrowed = LazyFunction(list)
            borowed = LazyFunction(list)

    class Card(LateBase):
        __tablename__ = "cards"
        id: Mapped[int] = mapped_column(primary_key=True)

    book = Book()
    shelf = ShelfFactory.build(books=[book])
    assert (shelf.label, book.shelf) == ("Fiction", shelf)
    assert ReaderFactory.build().borrowed == []
    with pytest.raises(UnknownFieldError, match=r"^ReaderFactory: keyword 'borowed'"):
        ReaderFactory.build(borowed=[])


# --------------------------------------------------------------------------- switching it off


def test_meta_check_model_false_allows_unknown_names() -> None:
    class UncheckedFactory(ModelFactory[User]):
        nmae = "Ada"

        class Meta:
            check_model = False

    class UncheckedChild(UncheckedFactory):
        also_unknown = 1

    # Nothing checks the names any more: the model's own constructor is what rejects them.
    with pytest.raises(TypeError) as raised:
        UncheckedChild.build(bogus=1)
    assert not isinstance(raised.value, UnknownFieldError)
    assert "is an invalid keyword argument for User" in str(raised.value)


def test_dunder_check_model_false_allows_unknown_names() -> None:
    class UncheckedFactory(ModelFactory[User]):
        __check_model__ = False
        nmae = "Ada"

    assert UncheckedFactory._meta.check_model is False
    with pytest.raises(TypeError) as raised:
        UncheckedFactory.build()
    assert not isinstance(raised.value, UnknownFieldError)


def test_check_model_must_be_a_bool() -> None:
    with pytest.raises(ConfigurationError) as raised:

        class BadFlagFactory(ModelFactory[User]):
            class Meta:
                check_model = "no"

    assert type(raised.value) is ConfigurationError
    assert str(raised.value) == "BadFlagFactory: Meta.check_model must be True or False, got 'no'"


def test_unknown_field_error_is_a_type_error() -> None:
    assert issubclass(UnknownFieldError, TypeError)
    with pytest.raises(TypeError):
        UserFactory.build(nmae="Ada")
