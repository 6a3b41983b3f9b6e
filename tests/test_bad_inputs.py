"""The catalogue of bad inputs: each raises the asyncfactories error a user would look for, whose
message names the factory, the wrong thing and the fix.

One row per mistake: what the user writes, the exact exception type, and words the message
must contain. A row whose input stopped failing, failed with another type, or lost a word of
its message fails here. The errors' finer points (attributes, full messages) are tested with
their features; this table is the census.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, NamedTuple

import factory
import pytest
from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import (
    ConfigurationError,
    FactoryError,
    Iterator,
    LazyAttribute,
    MissingRequiredFieldError,
    ModelFactory,
    RelatedFactory,
    Require,
    SelfAttribute,
    Sequence,
    SessionConflictError,
    SessionNotBoundError,
    SessionTypeError,
    SubFactory,
    Trait,
    UnknownFieldError,
    UnknownStateError,
)

from .factories import PostFactory, TagFactory, UserFactory
from .models import Post, User


class CatalogueBase(DeclarativeBase):
    pass


class Category(CatalogueBase):
    """A self-referencing model (built only: its table is never created)."""

    __tablename__ = "catalogue_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("catalogue_categories.id"))
    parent: Mapped[Category | None] = relationship(remote_side=[id])


class EndlessCategoryFactory(ModelFactory[Category]):
    name = Sequence(lambda n: f"category {n}")
    parent = SubFactory("tests.test_bad_inputs.EndlessCategoryFactory")


class StoppedCategoryFactory(ModelFactory[Category]):
    name = Sequence(lambda n: f"category {n}")
    parent = SubFactory("tests.test_bad_inputs.StoppedCategoryFactory", parent=None)


class AuthorWithPostsFactory(UserFactory):
    """A RelatedFactory without ``factory_related_name``: the post builds its own author, which builds a post…"""

    post = RelatedFactory("tests.test_bad_inputs.PostByAuthorFactory")


class PostByAuthorFactory(ModelFactory[Post]):
    title = "t"
    author = SubFactory(AuthorWithPostsFactory)


class TwoNamesFactory(ModelFactory[User]):
    name = Iterator(["Ada", "Grace"], cycle=False)
    email = Sequence(lambda n: f"iter{n}@test.example")


class LazyTypoFactory(ModelFactory[Post]):
    title = LazyAttribute(lambda post: post.tilte)
    author = SubFactory(UserFactory)


class SelfTypoFactory(ModelFactory[Post]):
    title = SelfAttribute("author.nmae")
    author = SubFactory(UserFactory)


class SessionBoundFactory(ModelFactory[User]):
    class Meta:
        sqlalchemy_session = object()


class _NoSaveMany:
    async def save(self, session: Any, instance: Any) -> None: ...


class _Handler:
    async def save(self, session: Any, instance: Any) -> None: ...

    async def save_many(self, session: Any, instances: list[Any]) -> None: ...


def _define(attrs: dict[str, Any] | None = None, base: type = ModelFactory, **meta: Any) -> Callable[[], Any]:
    """Defining ``class BadFactory(base): <attrs>; class Meta: <meta>`` (model User unless inherited)."""

    def define() -> Any:
        options = {"model": User, **meta} if base is ModelFactory else meta
        return type(ModelFactory)("BadFactory", (base,), {**(attrs or {}), "Meta": type("Meta", (), options)})

    return define


def _state_twice() -> Any:
    class BadFactory(ModelFactory[User]):
        class Params:
            admin = Trait(role="admin")

        @classmethod
        def state_admin(cls) -> dict[str, Any]:
            return {"role": "admin"}


def _state_not_a_dict() -> Any:
    class BadFactory(UserFactory):
        @classmethod
        def state_broken(cls) -> Any:
            return ["role", "admin"]

    return BadFactory.state("broken").build()


def _required() -> Any:
    class BadFactory(UserFactory):
        email = Require()

    return BadFactory.build()


class Bad(NamedTuple):
    """One bad input: the call (given the test's ``AsyncSession``), what it raises, words of the message."""

    call: Callable[[AsyncSession], Any]
    raises: type[BaseException]
    words: tuple[str, ...]


CATALOGUE: dict[str, Bad] = {
    # ---------------------------------------------------------------- class Meta, at definition
    "misspelt Meta option": Bad(
        lambda s: _define(sqlalchemy_sesion_persistence="flush")(),
        ConfigurationError,
        ("BadFactory", "Meta.sqlalchemy_sesion_persistence", "did you mean Meta.sqlalchemy_session_persistence?"),
    ),
    "unknown Meta option": Bad(
        lambda s: _define(colour="red")(), ConfigurationError, ("Meta.colour", "the options are")
    ),
    "persistence mode": Bad(
        lambda s: _define(sqlalchemy_session_persistence="autocommit")(),
        ConfigurationError,
        ("BadFactory", "one of None, 'flush' or 'commit'", "'autocommit'"),
    ),
    "get_or_create as a string": Bad(
        lambda s: _define(sqlalchemy_get_or_create="email")(),
        ConfigurationError,
        ("BadFactory", "tuple of field names", "('email',)"),
    ),
    "get_or_create names no column": Bad(
        lambda s: _define(sqlalchemy_get_or_create=("nmae",))(),
        UnknownFieldError,
        ("BadFactory", "Meta.sqlalchemy_get_or_create field 'nmae'", "did you mean 'name'?"),
    ),
    "collection minimum above maximum": Bad(
        lambda s: _define(set_relationships=True, min_collection_length=4, max_collection_length=2)(),
        ConfigurationError,
        ("BadFactory", "min_collection_length (4) is greater than Meta.max_collection_length (2)"),
    ),
    "collection length without set_relationships": Bad(
        lambda s: _define(min_collection_length=2)(),
        ConfigurationError,
        ("BadFactory", "no effect while set_relationships is False", "set Meta.set_relationships = True"),
    ),
    "negative collection length": Bad(
        lambda s: _define(min_collection_length=-1)(), ConfigurationError, ("non-negative int", "-1")
    ),
    "session and session factory": Bad(
        lambda s: _define(sqlalchemy_session=object(), sqlalchemy_session_factory=lambda: None)(),
        SessionConflictError,
        ("BadFactory", "not both", "let Meta.sqlalchemy_session_factory make one per call"),
    ),
    "inherited session, own session factory": Bad(
        lambda s: _define(base=SessionBoundFactory, sqlalchemy_session_factory=lambda: None)(),
        SessionConflictError,
        ("BadFactory", "inherits Meta.sqlalchemy_session", "set sqlalchemy_session = None in BadFactory's Meta"),
    ),
    "check_model not a bool": Bad(
        lambda s: _define(check_model=1)(), ConfigurationError, ("Meta.check_model", "got 1")
    ),
    "random_seed not an int": Bad(lambda s: _define(random_seed="42")(), ConfigurationError, ("int or None", "'42'")),
    "type_generators not types": Bad(
        lambda s: _define(type_generators={"String": str})(), ConfigurationError, ("Meta.type_generators",)
    ),
    "handler without save_many": Bad(
        lambda s: _define(persistence_handler=_NoSaveMany())(),
        ConfigurationError,
        ("no save_many() method", "async def save_many(session, instances)"),
    ),
    "handler with get_or_create": Bad(
        lambda s: _define(persistence_handler=_Handler(), sqlalchemy_get_or_create=("email",))(),
        ConfigurationError,
        ("cannot be combined with Meta.sqlalchemy_get_or_create", "look the row up in the handler"),
    ),
    "alias disagreeing with Meta": Bad(
        lambda s: _define({"__check_model__": False}, check_model=True)(),
        ConfigurationError,
        ("__check_model__ = False disagrees with Meta.check_model = True", "set only one"),
    ),
    # ---------------------------------------------------------------- declarations, at definition
    "unknown declaration": Bad(
        lambda s: _define({"nmae": "Ada"})(), UnknownFieldError, ("BadFactory", "'nmae'", "did you mean 'name'?")
    ),
    "unknown name in a Trait": Bad(
        lambda s: _define({"Params": type("Params", (), {"admin": Trait(rolle="admin")})})(),
        UnknownFieldError,
        ("Params.admin sets", "'rolle'", "did you mean 'role'?"),
    ),
    "state defined twice": Bad(lambda s: _state_twice(), ConfigurationError, ("state 'admin' is defined twice",)),
    # ---------------------------------------------------------------- calls, keywords
    "abstract factory built": Bad(
        lambda s: _define(abstract=True)().build(), ConfigurationError, ("abstract base factory", "subclass it")
    ),
    "unknown keyword": Bad(
        lambda s: UserFactory.build(nmae="Ada"), UnknownFieldError, ("UserFactory: keyword 'nmae'", "did you mean")
    ),
    "unknown keyword through a SubFactory": Bad(
        lambda s: PostFactory.build(author__nmae="Ada"), UnknownFieldError, ("UserFactory", "author__nmae")
    ),
    "negative batch size": Bad(
        lambda s: UserFactory.build_batch(-1), ValueError, ("UserFactory.build_batch()", "non-negative int", "-1")
    ),
    "batch size as a string": Bad(lambda s: UserFactory.build_batch("3"), ValueError, ("non-negative int", "'3'")),
    "relationship given a string": Bad(
        lambda s: PostFactory.build(author="bob"),
        ConfigurationError,
        ("PostFactory", "'author'", "Post.author", "User instance", "'bob' (str)", "author_id"),
    ),
    "relationship given another model": Bad(
        lambda s: PostFactory.build(author=PostFactory.build()),
        ConfigurationError,
        ("PostFactory", "Post.author", "User instance", "(Post)", "await UserFactory.create()"),
    ),
    "collection given one object": Bad(
        lambda s: UserFactory.build(posts=PostFactory.build()),
        ConfigurationError,
        ("UserFactory", "User.posts", "a list of Post instances", "posts=[await PostFactory.create()]"),
    ),
    "collection given strings": Bad(
        lambda s: UserFactory.build(posts=["first"]), ConfigurationError, ("User.posts", "'first' (str)")
    ),
    "recycle a string": Bad(
        lambda s: PostFactory.recycle("bob"),
        ConfigurationError,
        ("PostFactory.recycle()", "'bob' (str)", "not an instance of a mapped model"),
    ),
    "recycle a model class": Bad(
        lambda s: PostFactory.recycle(User), ConfigurationError, ("PostFactory.recycle()", "not an instance")
    ),
    # ---------------------------------------------------------------- evaluating declarations
    "SubFactory cycle without a stop": Bad(
        lambda s: EndlessCategoryFactory.build(),
        ConfigurationError,
        ("EndlessCategoryFactory.parent → EndlessCategoryFactory", "never end", "parent=None"),
    ),
    "RelatedFactory without its related name": Bad(
        lambda s: PostByAuthorFactory.build(),
        ConfigurationError,
        ("PostByAuthorFactory.author → AuthorWithPostsFactory.post", "never end", "factory_related_name='author'"),
    ),
    "exhausted Iterator, built": Bad(
        lambda s: TwoNamesFactory.build_batch(3),
        ConfigurationError,
        ("TwoNamesFactory.name", "Iterator(cycle=False) has run out of values", "build fewer"),
    ),
    "exhausted Iterator, created": Bad(
        lambda s: TwoNamesFactory.create_many(3, session=s),
        ConfigurationError,
        ("TwoNamesFactory.name", "Iterator(cycle=False) has run out of values"),
    ),
    "LazyAttribute reading a misspelt name": Bad(
        lambda s: LazyTypoFactory.build(),
        UnknownFieldError,
        ("LazyTypoFactory.title reads 'tilte'", "did you mean 'title'?"),
    ),
    "SelfAttribute with a misspelt path": Bad(
        lambda s: SelfTypoFactory.build(),
        UnknownFieldError,
        ("SelfTypoFactory.title", "'User' object has no attribute 'nmae'", "did you mean 'name'?"),
    ),
    "missing Require() field": Bad(lambda s: _required(), MissingRequiredFieldError, ("'email'", "build(email=...)")),
    # ---------------------------------------------------------------- states, builders
    "unknown state": Bad(lambda s: UserFactory.state("admn"), UnknownStateError, ("'admn'", "valid states: admin")),
    "state method returning a list": Bad(
        lambda s: _state_not_a_dict(), ConfigurationError, ("state_broken() returned list", "must return a dict")
    ),
    "has() with an unknown relationship": Bad(
        lambda s: UserFactory.has(PostFactory, 2, relationship="articles"),
        ConfigurationError,
        ("UserFactory.has(PostFactory)", "'articles'", "choices: author, posts"),
    ),
    "has() with a negative count": Bad(lambda s: UserFactory.has(PostFactory, -1), ValueError, ("non-negative int",)),
    "for_() an unrelated parent": Bad(
        lambda s: TagFactory.for_(UserFactory.build()), ConfigurationError, ("TagFactory.for_()", "0 relationships")
    ),
    # ---------------------------------------------------------------- sessions
    "create without a session": Bad(
        lambda s: UserFactory.create(), SessionNotBoundError, ("UserFactory.create()", "bind_session(session)")
    ),
    "sync call with an AsyncSession": Bad(
        lambda s: UserFactory.create_sync(session=s),  # type: ignore[arg-type]  # the mistake under test
        SessionTypeError,
        ("UserFactory.create_sync() got an AsyncSession", "UserFactory.create()"),
    ),
}


def test_the_catalogue_is_large() -> None:
    assert len(CATALOGUE) >= 40


async def _run(bad: Bad, session: AsyncSession) -> None:
    result = bad.call(session)
    if inspect.isawaitable(result):
        await result


@pytest.mark.parametrize("bad", CATALOGUE.values(), ids=CATALOGUE.keys())
async def test_a_bad_input_raises_its_error(session: AsyncSession, bad: Bad) -> None:
    with pytest.raises(bad.raises) as raised:
        await _run(bad, session)
    if bad.raises is not ValueError:  # a bad count is Python's ValueError, as in factory_boy
        assert isinstance(raised.value, FactoryError), f"{type(raised.value).__name__}: {raised.value}"
    missing = [word for word in bad.words if word not in str(raised.value)]
    assert missing == [], str(raised.value)
    assert not session.new  # nothing of the failed call is left for a commit


def test_a_misspelt_lazy_attribute_is_also_the_attribute_error_factory_boy_raised() -> None:
    with pytest.raises(AttributeError) as raised:
        LazyTypoFactory.build()
    assert isinstance(raised.value, UnknownFieldError)
    assert (raised.value.factory_name, raised.value.field) == ("LazyTypoFactory", "tilte")


def test_a_cycle_stopped_by_its_own_keywords_builds() -> None:
    category = StoppedCategoryFactory.build()
    assert category.parent is not None and category.parent.parent is None


def test_a_cycle_stopped_at_the_call_builds() -> None:
    assert EndlessCategoryFactory.build(parent=None).parent is None
    assert EndlessCategoryFactory.build(parent__parent=None).parent.parent is None
    root = StoppedCategoryFactory.build()
    assert EndlessCategoryFactory.recycle(root).build().parent is root


def test_factory_boys_own_iterator_exhausted_is_named_too() -> None:
    class PlainIteratorFactory(ModelFactory[User]):
        name = factory.Iterator(["Ada"], cycle=False)
        email = Sequence(lambda n: f"plain{n}@test.example")

    with pytest.raises(ConfigurationError, match=r"PlainIteratorFactory\.name: its Iterator"):
        PlainIteratorFactory.build_batch(2)
