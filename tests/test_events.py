"""``asyncfactories.events``: the exact events of real builds and creates.

Organization <- User <- Post, and a Badge with an automatic parent: each test subscribes a
recorder, makes known calls through a real ``AsyncSession`` and compares the whole sequence
(factory, action, states, count, depth, via, parent, rows). Durations are only checked to be
non-negative numbers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import JSON, ForeignKey, String, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import Dict, ModelFactory, RelatedFactory, Sequence, SubFactory, Trait, events
from asyncfactories.events import FactoryEvent


class Base(DeclarativeBase):
    pass


class Organization(Base):
    __tablename__ = "ev_organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class User(Base):
    __tablename__ = "ev_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    admin: Mapped[bool] = mapped_column(default=False)
    organization_id: Mapped[int] = mapped_column(ForeignKey("ev_organizations.id"))
    organization: Mapped[Organization] = relationship()
    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "ev_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    author_id: Mapped[int] = mapped_column(ForeignKey("ev_users.id"))
    author: Mapped[User] = relationship(back_populates="posts")


class Badge(Base):
    """No factory declares its parent: the automatic parent creates the user."""

    __tablename__ = "ev_badges"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    owner_id: Mapped[int] = mapped_column(ForeignKey("ev_users.id"))
    owner: Mapped[User] = relationship()


class OrganizationFactory(ModelFactory[Organization]):
    name = Sequence(lambda n: f"org {n}")


class UserFactory(ModelFactory[User]):
    name = Sequence(lambda n: f"user {n}")
    organization = SubFactory(OrganizationFactory)

    class Params:
        admin_user = Trait(admin=True)


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"post {n}")
    author = SubFactory(UserFactory)


class WriterFactory(UserFactory):
    first_post = RelatedFactory(PostFactory, "author")


class ConfiguredOrganizationFactory(OrganizationFactory):
    settings = Dict({"theme": "dark"})  # built by factory_boy's DictFactory: no model, no event


class BadgeFactory(ModelFactory[Badge]):
    label = "gold"


Row = tuple[str, str, tuple[str, ...], int, int, str, "str | None", int]


def _row(event: FactoryEvent) -> Row:
    parent = event.parent.__name__ if event.parent is not None else None
    return (
        event.factory.__name__,
        event.action,
        event.states,
        event.count,
        event.depth,
        event.via,
        parent,
        event.rows,
    )


class Recorder:
    def __init__(self) -> None:
        self.events: list[FactoryEvent] = []

    def __call__(self, event: FactoryEvent) -> None:
        self.events.append(event)

    @property
    def rows(self) -> list[Row]:
        return [_row(event) for event in self.events]


@pytest.fixture
async def ev_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            yield session
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    found = Recorder()
    with events.subscribed(found):
        yield found


async def test_a_create_tells_its_cascade_first_then_the_call(ev_session: AsyncSession, recorder: Recorder) -> None:
    await PostFactory.create(session=ev_session)
    assert recorder.rows == [
        ("OrganizationFactory", "create", (), 1, 2, "subfactory", "UserFactory", 1),
        ("UserFactory", "create", (), 1, 1, "subfactory", "PostFactory", 2),
        ("PostFactory", "create", (), 1, 0, "call", None, 3),
    ]
    top = recorder.events[-1]
    assert top.chain == () and recorder.events[0].chain == (PostFactory, UserFactory)
    assert all(isinstance(event.duration, float) and event.duration >= 0 for event in recorder.events)
    assert top.duration >= recorder.events[1].duration  # the call's time includes its cascade's


async def test_create_many_and_states(ev_session: AsyncSession, recorder: Recorder) -> None:
    await UserFactory.state("admin_user").create_many(2, session=ev_session)
    assert recorder.rows == [
        ("OrganizationFactory", "create", (), 1, 1, "subfactory", "UserFactory", 1),
        ("OrganizationFactory", "create", (), 1, 1, "subfactory", "UserFactory", 1),
        ("UserFactory", "create", ("admin_user",), 2, 0, "call", None, 4),
    ]
    count = await ev_session.scalar(select(func.count()).select_from(Organization))
    assert count == 2


async def test_build_and_build_stubbed_write_no_rows(recorder: Recorder) -> None:
    PostFactory.build()
    UserFactory.build_batch(2)
    PostFactory.build_stubbed()
    assert recorder.rows == [
        ("OrganizationFactory", "build", (), 1, 2, "subfactory", "UserFactory", 0),
        ("UserFactory", "build", (), 1, 1, "subfactory", "PostFactory", 0),
        ("PostFactory", "build", (), 1, 0, "call", None, 0),
        ("OrganizationFactory", "build", (), 1, 1, "subfactory", "UserFactory", 0),
        ("OrganizationFactory", "build", (), 1, 1, "subfactory", "UserFactory", 0),
        ("UserFactory", "build", (), 2, 0, "call", None, 0),
        ("OrganizationFactory", "stub", (), 1, 2, "subfactory", "UserFactory", 0),
        ("UserFactory", "stub", (), 1, 1, "subfactory", "PostFactory", 0),
        ("PostFactory", "stub", (), 1, 0, "call", None, 0),
    ]


async def test_an_ambient_default_is_told_as_a_reuse(ev_session: AsyncSession) -> None:
    user = await UserFactory.create(session=ev_session)
    found = Recorder()
    with events.subscribed(found), UserFactory.default(user):
        await PostFactory.create_many(2, session=ev_session)
    assert found.rows == [
        ("UserFactory", "reuse", (), 1, 1, "default", "PostFactory", 0),
        ("UserFactory", "reuse", (), 1, 1, "default", "PostFactory", 0),
        ("PostFactory", "create", (), 2, 0, "call", None, 2),
    ]
    assert all(event.duration == 0.0 for event in found.events[:2])


async def test_recycle_is_told_as_a_reuse(ev_session: AsyncSession, recorder: Recorder) -> None:
    organization = OrganizationFactory.build()
    UserFactory.recycle(organization).build()
    assert recorder.rows == [
        ("OrganizationFactory", "build", (), 1, 0, "call", None, 0),
        ("OrganizationFactory", "reuse", (), 1, 1, "recycle", "UserFactory", 0),
        ("UserFactory", "build", (), 1, 0, "call", None, 0),
    ]


async def test_related_factory_has_children_and_automatic_parents(ev_session: AsyncSession, recorder: Recorder) -> None:
    await WriterFactory.create(session=ev_session)
    await UserFactory.has(PostFactory, 2).create(session=ev_session)
    await BadgeFactory.create(session=ev_session)
    assert recorder.rows == [
        ("OrganizationFactory", "create", (), 1, 1, "subfactory", "WriterFactory", 1),
        ("PostFactory", "create", (), 1, 1, "related", "WriterFactory", 1),
        ("WriterFactory", "create", (), 1, 0, "call", None, 3),
        ("OrganizationFactory", "create", (), 1, 1, "subfactory", "UserFactory", 1),
        ("PostFactory", "create", (), 1, 1, "has", "UserFactory", 1),
        ("PostFactory", "create", (), 1, 1, "has", "UserFactory", 1),
        ("UserFactory", "create", (), 1, 0, "call", None, 4),
        ("OrganizationFactory", "create", (), 1, 2, "subfactory", "UserFactory", 1),
        ("UserFactory", "create", (), 1, 1, "parent", "BadgeFactory", 2),
        ("BadgeFactory", "create", (), 1, 0, "call", None, 3),
    ]


async def test_the_full_build_path_tells_the_same_as_the_lean_one(ev_session: AsyncSession, recorder: Recorder) -> None:
    # A keyword for the parent (author__name) takes factory_boy's step builder for the whole object.
    await PostFactory.create(session=ev_session, author__name="Ada")
    assert recorder.rows == [
        ("OrganizationFactory", "create", (), 1, 2, "subfactory", "UserFactory", 1),
        ("UserFactory", "create", (), 1, 1, "subfactory", "PostFactory", 2),
        ("PostFactory", "create", (), 1, 0, "call", None, 3),
    ]


def test_a_dict_declaration_is_no_cascade(recorder: Recorder) -> None:
    assert ConfiguredOrganizationFactory.build().settings == {"theme": "dark"}
    assert recorder.rows == [("ConfiguredOrganizationFactory", "build", (), 1, 0, "call", None, 0)]


def test_unsubscribe_stops_the_events() -> None:
    found = Recorder()
    stop = events.subscribe(found)
    UserFactory.build()
    stop()
    UserFactory.build()
    events.unsubscribe(found)  # not subscribed any more: ignored
    assert [row[0] for row in found.rows] == ["OrganizationFactory", "UserFactory"]
    assert events.listeners == []


def test_a_listener_subscribed_twice_is_called_twice() -> None:
    found = Recorder()
    with events.subscribed(found), events.subscribed(found):
        OrganizationFactory.build()
    OrganizationFactory.build()
    assert len(found.events) == 2 and events.listeners == []


async def test_no_listener_no_events_and_nothing_recorded(
    ev_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[Any] = []
    monkeypatch.setattr(events, "_emit", lambda *args: called.append(args))
    monkeypatch.setattr(events, "calling", lambda *args: called.append(args))
    await PostFactory.create(session=ev_session)
    PostFactory.build()
    assert called == []
    assert events.listeners == []


class ListenerError(Exception):
    pass


def _explode(event: FactoryEvent) -> None:
    if event.factory is UserFactory:
        raise ListenerError(event.via)


async def test_a_listener_error_propagates_and_a_cascade_error_takes_the_rows_back(ev_session: AsyncSession) -> None:
    with events.subscribed(_explode):
        with pytest.raises(ListenerError, match="call"):
            await UserFactory.create(session=ev_session)  # the call's own event: after its rows
        with pytest.raises(ListenerError, match="subfactory"):
            await PostFactory.create(session=ev_session)  # a cascade's event: the create fails
    assert await ev_session.scalar(select(func.count()).select_from(User)) == 1
    assert await ev_session.scalar(select(func.count()).select_from(Post)) == 0
    assert events.listeners == []
