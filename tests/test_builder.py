"""SPEC §5.2: ``FactoryBuilder`` — an immutable, typed value with every build and create method."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from asyncfactories import (
    FactoryBuilder,
    ModelFactory,
    Sequence,
    SessionTypeError,
    SubFactory,
    Trait,
    bind_session,
)

from .factories import PostFactory, UserFactory
from .models import Post, User
from .readback import fetch_all


class BuilderUserFactory(ModelFactory[User]):
    name = "Builder User"
    email = Sequence(lambda n: f"builder{n}@test.example")

    class Params:
        admin = Trait(role="admin")

    @classmethod
    def state_suspended(cls) -> dict[str, Any]:
        return {"status": "suspended"}


class BuilderPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Builder post {n}")
    author = SubFactory(BuilderUserFactory)


ADMIN = BuilderUserFactory.state("admin")


def _is_admin(user: User) -> bool:
    return isinstance(user, User) and user.role == "admin"


# --------------------------------------------------------------------------- a value


def test_state_and_using_return_builders_for_the_factory(session: AsyncSession) -> None:
    for builder in (BuilderUserFactory.state("admin"), BuilderUserFactory.using(session)):
        assert isinstance(builder, FactoryBuilder)
        assert builder.factory is BuilderUserFactory


def test_recycle_has_and_for_return_builders_on_the_factory_too() -> None:
    user = UserFactory.build()
    for builder in (PostFactory.recycle(user), UserFactory.has(PostFactory), PostFactory.for_(user)):
        assert isinstance(builder, FactoryBuilder)


def test_a_builder_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ADMIN.factory = UserFactory  # type: ignore[misc]  # the point: it is frozen
    with pytest.raises(dataclasses.FrozenInstanceError):
        ADMIN.plan.states = ()  # type: ignore[misc]  # the point: it is frozen


def test_refining_a_builder_returns_a_new_one_and_leaves_it_unchanged(session: AsyncSession) -> None:
    base = BuilderUserFactory.state("admin")
    user = UserFactory.build()
    refined = [
        base.state("suspended"),
        base.using(session),
        base.recycle(user),
        base.has(PostFactory, 2),
    ]
    assert all(other is not base for other in refined)
    assert base.plan.states == ("admin",)
    assert base.plan.session is None
    assert base.plan.recycled == ()
    assert base.plan.children == ()
    assert base.plan.links == {}
    rebuilt = base.build()
    assert (rebuilt.role, rebuilt.status) != ("admin", "suspended")
    assert rebuilt.role == "admin"
    assert rebuilt.posts == []


def test_a_builder_reused_after_state_on_it_is_unchanged() -> None:
    base = BuilderUserFactory.state("admin")
    suspended = base.state("suspended")
    assert suspended.build().status == "suspended"
    assert base.build().status != "suspended"
    assert suspended.build().role == base.build().role == "admin"


def test_for_on_a_builder_leaves_it_unchanged() -> None:
    base = BuilderPostFactory.state()
    user = BuilderUserFactory.build()
    linked = base.for_(user)
    assert linked.build().author is user
    assert base.build().author is not user


def test_builders_compare_by_value() -> None:
    assert BuilderUserFactory.state("admin") == BuilderUserFactory.state("admin")
    assert BuilderUserFactory.state("admin", "suspended") == BuilderUserFactory.state("admin").state("suspended")
    assert BuilderUserFactory.state("admin") != BuilderUserFactory.state("suspended")


# --------------------------------------------------------------------------- building methods


BUILD_METHODS: dict[str, Callable[[FactoryBuilder[User]], list[User]]] = {
    "build": lambda b: [b.build()],
    "make": lambda b: [b.make()],
    "build_batch": lambda b: b.build_batch(3),
    "make_batch": lambda b: b.make_batch(3),
    "batch": lambda b: b.batch(3),
    "build_batch(size=)": lambda b: b.build_batch(size=2),
    "make_batch(size=)": lambda b: b.make_batch(size=2),
    "batch(size=)": lambda b: b.batch(size=2),
    "build_stubbed": lambda b: [b.build_stubbed()],
}


@pytest.mark.parametrize("call", BUILD_METHODS.values(), ids=BUILD_METHODS.keys())
def test_every_build_method_applies_the_builders_states(call: Callable[[FactoryBuilder[User]], list[User]]) -> None:
    users = call(ADMIN)
    assert users
    assert all(_is_admin(user) for user in users)
    assert all(sa_inspect(user).session is None for user in users)  # nothing touches a session


def test_batch_methods_build_the_count_asked_for() -> None:
    assert len(ADMIN.build_batch(3)) == 3
    assert len(ADMIN.make_batch(size=4)) == 4
    assert ADMIN.batch(0) == []
    with pytest.raises(ValueError, match=r"BuilderUserFactory.batch\(\): the count must be a non-negative int"):
        ADMIN.batch(-1)


def test_build_keywords_beat_the_builders_states() -> None:
    assert ADMIN.build(role="keyword").role == "keyword"


def test_attributes_applies_the_states() -> None:
    values = BuilderUserFactory.state("admin", "suspended").attributes(name="Payload")
    assert values["role"] == "admin"
    assert values["status"] == "suspended"
    assert values["name"] == "Payload"
    assert "admin" not in values


def test_build_stubbed_applies_the_states_and_fakes_keys() -> None:
    post = BuilderPostFactory.state().build_stubbed(author__admin=True)
    assert post.id is not None
    assert post.author.role == "admin"
    assert post.author_id == post.author.id


# --------------------------------------------------------------------------- persisting methods


CREATE_METHODS: dict[str, Callable[[FactoryBuilder[User], AsyncSession], Awaitable[list[User]]]] = {}


async def _create(b: FactoryBuilder[User], s: AsyncSession) -> list[User]:
    return [await b.create(session=s)]


async def _create_async(b: FactoryBuilder[User], s: AsyncSession) -> list[User]:
    return [await b.create_async(session=s)]


async def _create_many(b: FactoryBuilder[User], s: AsyncSession) -> list[User]:
    return await b.create_many(2, session=s)


async def _create_many_size(b: FactoryBuilder[User], s: AsyncSession) -> list[User]:
    return await b.create_many(size=2, session=s)


async def _create_batch(b: FactoryBuilder[User], s: AsyncSession) -> list[User]:
    return await b.create_batch(2, session=s)


async def _create_batch_async(b: FactoryBuilder[User], s: AsyncSession) -> list[User]:
    return await b.create_batch_async(size=2, session=s)


async def _using_create(b: FactoryBuilder[User], s: AsyncSession) -> list[User]:
    return [await b.using(s).create()]


async def _using_create_many(b: FactoryBuilder[User], s: AsyncSession) -> list[User]:
    return await b.using(s).create_many(2)


CREATE_METHODS.update(
    {
        "create": _create,
        "create_async": _create_async,
        "create_many": _create_many,
        "create_many(size=)": _create_many_size,
        "create_batch": _create_batch,
        "create_batch_async": _create_batch_async,
        "using().create": _using_create,
        "using().create_many": _using_create_many,
    }
)


@pytest.mark.parametrize("call", CREATE_METHODS.values(), ids=CREATE_METHODS.keys())
async def test_every_async_create_method_persists_with_the_states(
    call: Callable[[FactoryBuilder[User], AsyncSession], Awaitable[list[User]]],
    session: AsyncSession,
    fresh_session: AsyncSession,
) -> None:
    users = await call(BuilderUserFactory.state("admin", "suspended"), session)
    await session.commit()
    rows = await fetch_all(fresh_session, select(User).order_by(User.id))
    assert [(row.id, row.role, row.status) for row in rows] == [(user.id, "admin", "suspended") for user in users]


def test_sync_create_methods_persist_with_the_states(sync_session: Session) -> None:
    one = ADMIN.create_sync(session=sync_session)
    many = ADMIN.create_batch_sync(2, session=sync_session)
    sized = ADMIN.using(sync_session).create_batch_sync(size=2)
    sync_session.commit()
    rows = sync_session.scalars(select(User).order_by(User.id)).all()
    assert [row.id for row in rows] == [user.id for user in [one, *many, *sized]]
    assert all(row.role == "admin" for row in rows)


async def test_create_keywords_beat_the_builders_states(session: AsyncSession) -> None:
    user = await ADMIN.create(session=session, role="keyword")
    assert user.role == "keyword"


async def test_using_beats_bind_session(session: AsyncSession, fresh_session: AsyncSession) -> None:
    async with bind_session(fresh_session):
        user = await BuilderUserFactory.using(session).create()
    assert sa_inspect(user).session is session.sync_session
    assert len(fresh_session.sync_session.new) == 0


async def test_a_session_argument_beats_using(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await BuilderUserFactory.using(fresh_session).create(session=session)
    assert sa_inspect(user).session is session.sync_session


async def test_the_builders_session_reaches_subfactories(session: AsyncSession) -> None:
    post = await BuilderPostFactory.using(session).state().create(author__admin=True)
    assert sa_inspect(post.author).session is session.sync_session
    assert post.author.id is not None


async def test_an_async_create_through_a_builder_using_a_sync_session_says_which_call_to_use(
    sync_session: Session,
) -> None:
    with pytest.raises(SessionTypeError) as raised:
        await ADMIN.using(sync_session).create()
    assert "use BuilderUserFactory.create_sync() with that session instead" in str(raised.value)


def test_a_sync_create_through_a_builder_using_an_async_session_says_which_call_to_use(
    session: AsyncSession,
) -> None:
    with pytest.raises(SessionTypeError, match=r"use BuilderUserFactory.create_many\(\) with that session"):
        ADMIN.using(session).create_batch_sync(2)
