"""SPEC §2.4: polyfactory's declarations (Use, Ignore, Require, PostGenerated), classmethod field
generators, the ``owner = UserFactory`` shorthand, and batch counts given positionally or as ``size=``."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from factory.declarations import SubFactory as FactoryBoySubFactory
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from asyncfactories import (
    FactoryError,
    Ignore,
    MissingRequiredFieldError,
    ModelFactory,
    PostGenerated,
    Require,
    Sequence,
    SubFactory,
    Use,
)

from .conftest import StatementLog
from .factories import UserFactory
from .models import Post, User
from .readback import fetch_one

use_calls: list[tuple[Any, ...]] = []


def _next_name(prefix: str, *, suffix: str = "") -> str:
    use_calls.append((prefix, suffix))
    return f"{prefix} {len(use_calls)}{suffix}"


# --------------------------------------------------------------------------- Use


class UseUserFactory(ModelFactory[User]):
    name = Use(_next_name, "Used", suffix="!")
    email = Sequence(lambda n: f"use{n}@test.example")


def test_use_calls_the_function_with_its_arguments_per_instance() -> None:
    use_calls.clear()
    first, second = UseUserFactory.build_batch(2)
    assert use_calls == [("Used", "!"), ("Used", "!")]
    assert (first.name, second.name) == ("Used 1!", "Used 2!")


def test_a_keyword_replaces_use_without_calling_it() -> None:
    use_calls.clear()
    assert UseUserFactory.build(name="Given").name == "Given"
    assert use_calls == []


async def test_use_values_are_persisted(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await UseUserFactory.create(session=session)
    await session.commit()
    row = await fetch_one(fresh_session, select(User).where(User.id == user.id))
    assert row.name == user.name
    assert row.name.startswith("Used ")


# --------------------------------------------------------------------------- Ignore


class IgnoreUserFactory(UserFactory):
    status = Ignore()
    role = Ignore()


def test_ignore_leaves_the_field_out_of_the_model_arguments() -> None:
    values = IgnoreUserFactory.attributes()
    assert "status" not in values
    assert "role" not in values
    assert "name" in values


def test_a_keyword_beats_ignore() -> None:
    assert IgnoreUserFactory.build(status="given").status == "given"


async def test_an_ignored_field_gets_the_models_default(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await IgnoreUserFactory.create(session=session)
    await session.commit()
    row = await fetch_one(fresh_session, select(User).where(User.id == user.id))
    assert (row.status, row.role) == ("active", "user")


# --------------------------------------------------------------------------- Require


class RequireUserFactory(ModelFactory[User]):
    name = "Required"
    email = Require()


class RequirePostFactory(ModelFactory[Post]):
    title = "Needs an author email"
    author = SubFactory(RequireUserFactory)


def test_a_missing_required_field_raises_naming_factory_and_field() -> None:
    with pytest.raises(MissingRequiredFieldError) as raised:
        RequireUserFactory.build()
    error = raised.value
    assert isinstance(error, FactoryError)
    assert (error.factory_name, error.field) == ("RequireUserFactory", "email")
    assert str(error) == (
        "RequireUserFactory: field 'email' is declared Require() and must be passed as a keyword, "
        "e.g. RequireUserFactory.build(email=...)"
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: RequireUserFactory.make(),
        lambda: RequireUserFactory.build_batch(2),
        lambda: RequireUserFactory.attributes(),
        lambda: RequireUserFactory.build_stubbed(),
    ],
    ids=["make", "build_batch", "attributes", "build_stubbed"],
)
def test_every_build_call_requires_the_field(call: Callable[[], object]) -> None:
    with pytest.raises(MissingRequiredFieldError, match=re.escape("field 'email' is declared Require()")):
        call()


def test_a_required_field_given_as_keyword_is_used() -> None:
    assert RequireUserFactory.build(email="given@test.example").email == "given@test.example"


def test_a_required_field_of_a_subfactory_names_that_factory() -> None:
    with pytest.raises(MissingRequiredFieldError) as raised:
        RequirePostFactory.build()
    assert (raised.value.factory_name, raised.value.field) == ("RequireUserFactory", "email")
    post = RequirePostFactory.build(author__email="deep@test.example")
    assert post.author.email == "deep@test.example"


async def test_a_missing_required_field_fails_before_any_insert(
    session: AsyncSession, statements: StatementLog
) -> None:
    with pytest.raises(MissingRequiredFieldError):
        await RequirePostFactory.create(session=session)
    assert statements.count("INSERT") == 0
    # The session is still usable.
    post = await RequirePostFactory.create(session=session, author__email="ok@test.example")
    assert post.author.id is not None


# --------------------------------------------------------------------------- PostGenerated

seen_values: list[tuple[str, dict[str, Any]]] = []


def _describe(name: str, values: dict[str, Any], separator: str = "/") -> str:
    seen_values.append((name, dict(values)))
    return separator.join([values["status"], values["email"], values["role"]])


class PostGeneratedUserFactory(ModelFactory[User]):
    name = PostGenerated(_describe, separator="|")  # declared first, computed last
    status = Use(lambda: "generated")
    email = Sequence(lambda n: f"postgen{n}@test.example")
    role = "editor"
    score = Ignore()


def test_post_generated_sees_every_other_field() -> None:
    seen_values.clear()
    user = PostGeneratedUserFactory.build(role="keyword role")
    assert user.name == f"generated|{user.email}|keyword role"
    [(name, values)] = seen_values
    assert name == "name"
    # Every generated field, and nothing else (the Ignore()d score is not generated).
    assert values == {"status": "generated", "email": user.email, "role": "keyword role"}


def test_post_generated_sees_subfactory_instances() -> None:
    class TitledPostFactory(ModelFactory[Post]):
        title = PostGenerated(lambda name, values: f"by {values['author'].name}")
        author = SubFactory(UserFactory, name="Ada")

    assert TitledPostFactory.build().title == "by Ada"


def test_a_keyword_beats_post_generated() -> None:
    seen_values.clear()
    assert PostGeneratedUserFactory.build(name="given").name == "given"
    assert seen_values == []


async def test_post_generated_values_are_persisted(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await PostGeneratedUserFactory.create(session=session)
    await session.commit()
    row = await fetch_one(fresh_session, select(User).where(User.id == user.id))
    assert row.name == f"generated|{user.email}|editor"
    assert row.score == 0  # Ignore()d: the server default


# --------------------------------------------------------------------------- classmethod field generators


class GeneratedRoleFactory(ModelFactory[User]):
    name = "Generator"
    email = Sequence(lambda n: f"generator{n}@test.example")
    _calls = 0

    @classmethod
    def role(cls) -> str:
        cls._calls += 1
        return f"{cls.__name__}-{cls._calls}"

    @classmethod
    def status(cls) -> str:
        return cls.__random__.choice(["active", "away"])


class OverridingRoleFactory(GeneratedRoleFactory):
    @classmethod
    def role(cls) -> str:
        return "overridden"


class InheritingRoleFactory(GeneratedRoleFactory):
    _calls = 100


def test_a_classmethod_named_after_a_field_generates_it_per_instance() -> None:
    GeneratedRoleFactory._calls = 0
    users = GeneratedRoleFactory.build_batch(3)
    assert [user.role for user in users] == [f"GeneratedRoleFactory-{n}" for n in (1, 2, 3)]
    assert all(user.status in ("active", "away") for user in users)


def test_a_subclass_override_of_a_field_generator_wins() -> None:
    assert OverridingRoleFactory.build().role == "overridden"


def test_an_inherited_field_generator_runs_on_the_subclass() -> None:
    assert InheritingRoleFactory.build().role == "InheritingRoleFactory-101"


def test_a_keyword_beats_a_field_generator() -> None:
    assert GeneratedRoleFactory.build(role="given").role == "given"


def test_a_classmethod_not_named_after_a_field_stays_a_classmethod() -> None:
    class HelperFactory(UserFactory):
        @classmethod
        def helper(cls) -> str:
            return "helper"

    assert "helper" not in HelperFactory._meta.declarations
    assert HelperFactory.helper() == "helper"
    assert not hasattr(HelperFactory.build(), "helper")


async def test_field_generators_are_persisted(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await OverridingRoleFactory.create(session=session)
    await session.commit()
    row = await fetch_one(fresh_session, select(User).where(User.id == user.id))
    assert row.role == "overridden"


# --------------------------------------------------------------------------- factory-class shorthand


class ShorthandPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Shorthand {n}")
    author = UserFactory


def test_a_factory_class_on_a_relationship_means_subfactory() -> None:
    declaration = ShorthandPostFactory._meta.declarations["author"]
    assert isinstance(declaration, FactoryBoySubFactory)
    assert declaration.get_factory() is UserFactory
    post = ShorthandPostFactory.build(author__name="Deep")
    assert isinstance(post.author, User)
    assert post.author.name == "Deep"
    assert post.author.email.endswith("@test.example")


async def test_the_shorthand_parent_is_created(session: AsyncSession, fresh_session: AsyncSession) -> None:
    post = await ShorthandPostFactory.create(session=session)
    await session.commit()
    row = await fetch_one(fresh_session, select(Post).where(Post.id == post.id))
    author = await fetch_one(fresh_session, select(User).where(User.id == row.author_id))
    assert author.email == post.author.email


# --------------------------------------------------------------------------- batch counts


BUILD_BATCHES: dict[str, Callable[..., list[Any]]] = {
    "build_batch": UserFactory.build_batch,
    "make_batch": UserFactory.make_batch,
    "batch": UserFactory.batch,
}


@pytest.mark.parametrize("method", BUILD_BATCHES.values(), ids=BUILD_BATCHES.keys())
def test_build_batches_take_the_count_positionally_or_as_size(method: Callable[..., list[Any]]) -> None:
    assert len(method(3)) == 3
    assert len(method(size=2, name="Sized")) == 2
    assert method(size=0) == []
    for wrong in (-1, True, 1.5, "2"):
        with pytest.raises(ValueError, match="the count must be a non-negative int"):
            method(size=wrong)


CREATE_BATCHES: dict[str, Callable[..., Awaitable[list[Any]]]] = {
    "create_many": UserFactory.create_many,
    "create_batch": UserFactory.create_batch,
    "create_batch_async": UserFactory.create_batch_async,
}


@pytest.mark.parametrize("method", CREATE_BATCHES.values(), ids=CREATE_BATCHES.keys())
async def test_create_batches_take_the_count_positionally_or_as_size(
    method: Callable[..., Awaitable[list[Any]]], session: AsyncSession, statements: StatementLog
) -> None:
    assert len(await method(2, session=session)) == 2
    assert len(await method(size=3, session=session)) == 3
    statements.clear()
    with pytest.raises(ValueError, match="the count must be a non-negative int, got -1"):
        await method(size=-1, session=session)
    assert statements.statements == []


def test_sync_create_batch_takes_the_count_positionally_or_as_size(sync_session: Session) -> None:
    assert len(UserFactory.create_batch_sync(2, session=sync_session)) == 2
    assert len(UserFactory.create_batch_sync(size=3, session=sync_session)) == 3
    with pytest.raises(ValueError, match="the count must be a non-negative int"):
        UserFactory.create_batch_sync(size=-1, session=sync_session)
