"""SPEC §4.8: ``Meta.persistence_handler`` replaces the built-in persistence."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from asyncfactories import (
    AsyncPersistenceHandler,
    ConfigurationError,
    ModelFactory,
    Sequence,
    SessionNotBoundError,
    SubFactory,
    SyncPersistenceHandler,
    bind_session,
)

from .conftest import StatementLog
from .factories import UserFactory
from .models import Post, User
from .persistence_helpers import count_rows, logging_statements


class RecordingHandler:
    """Records what it is given and writes nothing."""

    def __init__(self) -> None:
        self.saved: list[tuple[Any, Any]] = []
        self.saved_many: list[tuple[Any, list[Any]]] = []

    async def save(self, session: Any, instance: Any) -> None:
        self.saved.append((session, instance))

    async def save_many(self, session: Any, instances: list[Any]) -> None:
        self.saved_many.append((session, list(instances)))


class WritingHandler:
    """Persists as a project might: add, then flush."""

    async def save(self, session: AsyncSession, instance: Any) -> None:
        session.add(instance)
        await session.flush()

    async def save_many(self, session: AsyncSession, instances: list[Any]) -> None:
        session.add_all(instances)
        await session.flush()


class SyncRecordingHandler:
    def __init__(self) -> None:
        self.saved: list[tuple[Any, Any]] = []
        self.saved_many: list[tuple[Any, list[Any]]] = []

    def save(self, session: Any, instance: Any) -> None:
        self.saved.append((session, instance))

    def save_many(self, session: Any, instances: list[Any]) -> None:
        self.saved_many.append((session, list(instances)))


class SyncWritingHandler:
    def save(self, session: Session, instance: Any) -> None:
        session.add(instance)
        session.flush()

    def save_many(self, session: Session, instances: list[Any]) -> None:
        session.add_all(instances)
        session.flush()


recording = RecordingHandler()
sync_recording = SyncRecordingHandler()


class HandledUserFactory(ModelFactory[User]):
    name = "Handled"
    email = Sequence(lambda n: f"handled{n}@test.example")

    class Meta:
        persistence_handler = recording


class HandledPostFactory(ModelFactory[Post]):
    title = "Handled post"
    author = SubFactory(UserFactory)

    class Meta:
        persistence_handler = recording


class WrittenUserFactory(HandledUserFactory):
    class Meta:
        persistence_handler = WritingHandler()


class SyncHandledUserFactory(HandledUserFactory):
    class Meta:
        persistence_handler = sync_recording


class SyncWrittenUserFactory(HandledUserFactory):
    class Meta:
        persistence_handler = SyncWritingHandler()


@pytest.fixture(autouse=True)
def fresh_recordings() -> None:
    for handler in (recording, sync_recording):
        handler.saved.clear()
        handler.saved_many.clear()


def test_handlers_match_the_runtime_checkable_protocols() -> None:
    assert isinstance(recording, AsyncPersistenceHandler)
    assert isinstance(sync_recording, SyncPersistenceHandler)


async def test_create_calls_save_with_the_session_and_instance_instead_of_writing(
    session: AsyncSession, statements: StatementLog
) -> None:
    user = await HandledUserFactory.create(session=session)

    assert recording.saved == [(session, user)]
    assert recording.saved_many == []
    assert type(user) is User
    assert user not in session
    assert statements.count("INSERT") == 0


async def test_create_many_calls_save_many_once_with_every_instance(
    session: AsyncSession, statements: StatementLog
) -> None:
    users = await HandledUserFactory.create_many(3, session=session)

    assert recording.saved_many == [(session, users)]
    assert recording.saved == []
    assert len({id(user) for user in users}) == 3
    assert statements.count("INSERT") == 0


async def test_subfactory_parents_are_left_to_the_handler_too(session: AsyncSession, statements: StatementLog) -> None:
    post = await HandledPostFactory.create(session=session)

    assert recording.saved == [(session, post)]
    assert type(post.author) is User
    assert post not in session and post.author not in session
    assert statements.count("INSERT") == 0


async def test_handler_gets_the_resolved_session(session: AsyncSession) -> None:
    async with bind_session(session):
        user = await HandledUserFactory.create()

    assert recording.saved == [(session, user)]


async def test_handler_that_writes_persists_the_rows(session: AsyncSession, fresh_session: AsyncSession) -> None:
    user = await WrittenUserFactory.create(session=session)
    users = await WrittenUserFactory.create_many(2, session=session)

    assert isinstance(user.id, int)
    assert all(isinstance(each.id, int) for each in users)
    await session.commit()
    assert await count_rows(fresh_session, User) == 3


async def test_sync_twins_call_the_sync_handler(sync_session: Session) -> None:
    user = SyncHandledUserFactory.create_sync(session=sync_session)
    users = SyncHandledUserFactory.create_batch_sync(2, session=sync_session)

    assert sync_recording.saved == [(sync_session, user)]
    assert sync_recording.saved_many == [(sync_session, users)]
    assert user not in sync_session


async def test_sync_handler_that_writes_persists_the_rows(sync_session: Session, fresh_session: AsyncSession) -> None:
    with logging_statements(sync_session.get_bind()) as log:
        users = SyncWrittenUserFactory.create_batch_sync(2, session=sync_session)
    sync_session.commit()

    assert all(isinstance(user.id, int) for user in users)
    assert log.count("INSERT") >= 1
    assert await count_rows(fresh_session, User) == 2


@pytest.mark.parametrize(("call", "twin"), [("create", "create_sync"), ("create_many", "create_batch_sync")])
async def test_sync_handler_from_an_async_call_raises_configuration_error(
    call: str, twin: str, session: AsyncSession, statements: StatementLog
) -> None:
    arguments = [2] if call == "create_many" else []

    with pytest.raises(ConfigurationError) as raised:
        await getattr(SyncHandledUserFactory, call)(*arguments, session=session)

    message = str(raised.value)
    assert f"SyncHandledUserFactory.{call}()" in message
    assert "async def" in message
    assert f"SyncHandledUserFactory.{twin}()" in message
    assert sync_recording.saved == sync_recording.saved_many == []
    assert statements.count("INSERT") == 0


@pytest.mark.parametrize(("call", "twin"), [("create_sync", "create"), ("create_batch_sync", "create_many")])
def test_async_handler_from_a_sync_call_raises_configuration_error(call: str, twin: str, sync_session: Session) -> None:
    arguments = [2] if "batch" in call else []

    with pytest.raises(ConfigurationError) as raised:
        getattr(HandledUserFactory, call)(*arguments, session=sync_session)

    message = str(raised.value)
    assert f"HandledUserFactory.{call}()" in message
    assert "plain def" in message
    assert f"HandledUserFactory.{twin}()" in message
    assert recording.saved == recording.saved_many == []


def test_handler_without_save_many_is_rejected_when_the_class_is_defined() -> None:
    class SaveOnly:
        async def save(self, session: Any, instance: Any) -> None:
            pass

    with pytest.raises(ConfigurationError) as raised:

        class HalfHandledUserFactory(ModelFactory[User]):
            class Meta:
                persistence_handler = SaveOnly()

    message = str(raised.value)
    assert "HalfHandledUserFactory" in message
    assert "save_many" in message


def test_handler_with_get_or_create_is_rejected_when_the_class_is_defined() -> None:
    with pytest.raises(ConfigurationError, match=r"HandledGetOrCreateFactory.*sqlalchemy_get_or_create"):

        class HandledGetOrCreateFactory(ModelFactory[User]):
            class Meta:
                persistence_handler = RecordingHandler()
                sqlalchemy_get_or_create = ("email",)


class CommittingHandler:
    """A handler that commits, as many real ones do."""

    async def save(self, session: AsyncSession, instance: Any) -> None:
        session.add(instance)
        await session.commit()

    async def save_many(self, session: AsyncSession, instances: list[Any]) -> None:
        session.add_all(instances)
        await session.commit()


async def test_objects_a_committing_handler_expired_are_loaded_again(engine: Any, fresh_session: AsyncSession) -> None:
    """A commit in the handler expires the instances (expire_on_commit=True): the library
    loads them again, so reading them afterwards needs no lazy load (no MissingGreenlet)."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    class CommittedUserFactory(HandledUserFactory):
        class Meta:
            persistence_handler = CommittingHandler()

    async with async_sessionmaker(engine, expire_on_commit=True)() as expiring:
        users = await CommittedUserFactory.create_many(2, session=expiring)
        assert all(isinstance(u.id, int) and u.score == 0 and u.posts == [] for u in users)
        # (the next commit expires these again, as any commit in that session would)
        user = await CommittedUserFactory.create(session=expiring)

    assert isinstance(user.id, int) and user.score == 0 and user.posts == []
    assert await count_rows(fresh_session, User) == 3


class PolyfactoryStyleHandler:
    """polyfactory's persistence protocol: the methods take only the data."""

    def __init__(self) -> None:
        self.saved: list[Any] = []

    async def save(self, data: Any) -> Any:
        self.saved.append(data)
        return data

    async def save_many(self, data: list[Any]) -> list[Any]:
        self.saved.extend(data)
        return data


async def test_polyfactory_async_persistence_alias_takes_a_data_only_handler(session: AsyncSession) -> None:
    handler = PolyfactoryStyleHandler()

    class AliasedUserFactory(HandledUserFactory):
        __async_persistence__ = handler

    one = await AliasedUserFactory.create(session=session)
    many = await AliasedUserFactory.create_many(2, session=session)

    assert AliasedUserFactory._meta.persistence_handler is handler
    assert handler.saved == [one, *many]


class OwnSessionHandler:
    """polyfactory's ``SQLASyncPersistence`` shape: it opens, commits and closes its own session."""

    def __init__(self, engine: Any) -> None:
        self.maker = async_sessionmaker(engine, expire_on_commit=False)

    async def save(self, data: Any) -> Any:
        return (await self.save_many([data]))[0]

    async def save_many(self, data: list[Any]) -> list[Any]:
        async with self.maker() as own, own.begin():
            own.add_all(data)
        return data


class SyncOwnSessionHandler:
    def __init__(self, engine: Any) -> None:
        self.maker = sessionmaker(engine, expire_on_commit=False)

    def save(self, data: Any) -> Any:
        return self.save_many([data])[0]

    def save_many(self, data: list[Any]) -> list[Any]:
        with self.maker.begin() as own:
            own.add_all(data)
        return data


async def test_handler_owning_its_session_needs_no_session_bound(
    engine: Any, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    class OwnSessionUserFactory(HandledUserFactory):
        __async_persistence__ = OwnSessionHandler(engine)

    one = await OwnSessionUserFactory.create()
    many = await OwnSessionUserFactory.create_many(2)

    assert all(isinstance(user.id, int) for user in [one, *many])
    assert await count_rows(fresh_session, User) == 3


async def test_sync_handler_owning_its_session_needs_no_session_bound(
    sync_engine: Any, sync_session: Session, fresh_session: AsyncSession
) -> None:
    class SyncOwnSessionUserFactory(HandledUserFactory):
        __sync_persistence__ = SyncOwnSessionHandler(sync_engine)

    one = SyncOwnSessionUserFactory.create_sync()
    many = SyncOwnSessionUserFactory.create_batch_sync(2)

    assert all(isinstance(user.id, int) for user in [one, *many])
    assert await count_rows(fresh_session, User) == 3


async def test_handler_taking_the_session_still_needs_one() -> None:
    with pytest.raises(SessionNotBoundError, match=r"HandledUserFactory\.create\(\) has no session"):
        await HandledUserFactory.create()


@pytest.mark.parametrize("call", ["create", "create_many"])
async def test_gather_of_creates_with_an_async_handler_on_one_session(
    call: str, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    """The handler's ``save`` takes its turn on the session's lock, like the built-in modes."""
    if call == "create":
        made = await asyncio.gather(*(WrittenUserFactory.create(session=session) for _ in range(20)))
    else:
        batches = await asyncio.gather(*(WrittenUserFactory.create_many(3, session=session) for _ in range(7)))
        made = [user for batch in batches for user in batch]
    await session.commit()
    assert all(isinstance(user.id, int) for user in made)
    assert await count_rows(fresh_session, User) == len(made)
