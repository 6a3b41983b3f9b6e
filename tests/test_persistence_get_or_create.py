"""SPEC §4.5: ``Meta.sqlalchemy_get_or_create`` through async and sync sessions, races included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.exc import IntegrityError, MultipleResultsFound
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from asyncfactories import LazyAttribute, ModelFactory, Sequence, SubFactory

from .conftest import StatementLog
from .factories import UserFactory
from .models import Post, User
from .persistence_helpers import column_values, count_rows


class GetOrCreateUserFactory(ModelFactory[User]):
    name = "Made by the factory"
    email = Sequence(lambda n: f"get-or-create{n}@test.example")

    class Meta:
        sqlalchemy_get_or_create = ("email",)


class PostBySharedAuthorFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Shared author post {n}")
    author = SubFactory(GetOrCreateUserFactory, email="shared@test.example")


@pytest.fixture
async def existing(engine: AsyncEngine, session: AsyncSession) -> tuple[int, str]:
    """``(id, email)`` of a user committed by another connection (``session`` empties the tables)."""
    async with engine.begin() as connection:
        result = await connection.execute(insert(User).values(name="Already there", email="exists@test.example"))
        (user_id,) = result.inserted_primary_key or (None,)
    return user_id, "exists@test.example"


class RaceWinner:
    """Commits a row with the same email through another connection just before our INSERT of it.

    Our lookup has already run and found nothing, so only the INSERT sees the conflict: the
    IntegrityError path of get-or-create.
    """

    def __init__(self, sync_engine: Engine, email: str) -> None:
        self.sync_engine = sync_engine
        self.email = email
        self.winner_id: int | None = None

    def before_execute(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        ours = statement.lstrip().upper().startswith("INSERT INTO USERS") and self.email in str(parameters)
        if self.winner_id is None and ours:
            with self.sync_engine.begin() as other:
                row = other.execute(insert(User).values(name="Race winner", email=self.email))
                self.winner_id = row.inserted_primary_key[0]


@pytest.fixture
def race(engine: AsyncEngine, sync_engine: Engine) -> Iterator[RaceWinner]:
    winner = RaceWinner(sync_engine, "raced@test.example")
    event.listen(engine.sync_engine, "before_cursor_execute", winner.before_execute)
    yield winner
    event.remove(engine.sync_engine, "before_cursor_execute", winner.before_execute)


async def test_existing_row_is_returned_not_inserted(
    session: AsyncSession, existing: tuple[int, str], statements: StatementLog, fresh_session: AsyncSession
) -> None:
    user_id, email = existing

    user = await GetOrCreateUserFactory.create(session=session, email=email)

    assert user.id == user_id
    assert user.name == "Already there"
    assert statements.count("INSERT") == 0
    assert await count_rows(fresh_session, User) == 1


async def test_missing_row_is_inserted_once_and_then_found(session: AsyncSession, fresh_session: AsyncSession) -> None:
    first = await GetOrCreateUserFactory.create(session=session, email="once@test.example")
    again = await GetOrCreateUserFactory.create(session=session, email="once@test.example")
    other = await GetOrCreateUserFactory.create(session=session)

    assert again is first
    assert first.name == "Made by the factory"
    assert other is not first
    await session.commit()
    assert await column_values(fresh_session, User.email) == sorted([("once@test.example",), (other.email,)])


async def test_batch_with_the_same_key_makes_one_row(session: AsyncSession, fresh_session: AsyncSession) -> None:
    users = await GetOrCreateUserFactory.create_many(3, session=session, email="same@test.example")

    assert users[0] is users[1] is users[2]
    await session.commit()
    assert await count_rows(fresh_session, User) == 1


async def test_subfactory_with_get_or_create_shares_one_parent(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    posts = await PostBySharedAuthorFactory.create_many(3, session=session)

    assert len({id(post.author) for post in posts}) == 1
    assert isinstance(posts[0].author.id, int)
    await session.commit()
    assert await count_rows(fresh_session, User) == 1
    assert await count_rows(fresh_session, Post, author_id=posts[0].author.id) == 3


async def test_lost_race_returns_the_winning_row(
    session: AsyncSession, race: RaceWinner, fresh_session: AsyncSession
) -> None:
    user = await GetOrCreateUserFactory.create(session=session, email=race.email)

    assert race.winner_id is not None
    assert user.id == race.winner_id
    assert user.name == "Race winner"
    await session.commit()
    assert await count_rows(fresh_session, User) == 1


NO_RACE_ON_SQLITE = (
    "SQLite has one writer: once this session's transaction holds rows or has read, no other "
    "connection can commit until it ends, so the race cannot happen"
)


async def test_lost_race_keeps_the_callers_earlier_rows(
    session: AsyncSession, race: RaceWinner, fresh_session: AsyncSession, statements: StatementLog, backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip(NO_RACE_ON_SQLITE)
    earlier = await UserFactory.create(session=session)

    user = await GetOrCreateUserFactory.create(session=session, email=race.email)

    assert user.id == race.winner_id
    assert statements.count("ROLLBACK TO SAVEPOINT") == 1
    assert earlier.email.startswith("user")  # still loaded: the session was not rolled back
    await session.commit()
    assert await column_values(fresh_session, User.id) == sorted([(earlier.id,), (race.winner_id,)])


async def test_lost_race_keeps_objects_loaded_before(
    session: AsyncSession, existing: tuple[int, str], race: RaceWinner, backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip(NO_RACE_ON_SQLITE)
    loaded = (await session.scalars(select(User))).one()

    user = await GetOrCreateUserFactory.create(session=session, email=race.email)

    assert user.id == race.winner_id
    assert loaded.name == "Already there"  # not expired by a rollback of the whole session


# ----------------------------------------------------------------------------- as factory_boy's


class ByEmailAndNameFactory(ModelFactory[User]):
    """Looks up by two fields, of which only ``email`` is unique; ``name`` is always generated."""

    name = "Made by the factory"
    email = Sequence(lambda n: f"by-two{n}@test.example")

    class Meta:
        sqlalchemy_get_or_create = ("email", "name")


class ByEmailAndLazyNameFactory(ByEmailAndNameFactory):
    """The same, built by factory_boy's full resolver (a ``LazyAttribute``)."""

    name = LazyAttribute(lambda user: f"Lazy {user.email}")


class ByNameFactory(ModelFactory[User]):
    name = "Twin"
    email = Sequence(lambda n: f"by-name{n}@test.example")

    class Meta:
        sqlalchemy_get_or_create = ("name",)


class PostByExistingAuthorFactory(ModelFactory[Post]):
    title = "By an existing author"
    author = SubFactory(ByEmailAndNameFactory, email="exists@test.example")


class Writer:
    """``create`` or ``create_sync`` through the test's own session, and its commit."""

    def __init__(self, call: str, session: AsyncSession, sync_session: Session) -> None:
        self.call, self.session, self.sync_session = call, session, sync_session

    async def create(self, factory: Any, **kwargs: Any) -> Any:
        if self.call == "create":
            return await factory.create(session=self.session, **kwargs)
        return factory.create_sync(session=self.sync_session, **kwargs)

    async def commit(self) -> None:
        if self.call == "create":
            await self.session.commit()
        else:
            self.sync_session.commit()


@pytest.fixture(params=["create", "create_sync"])
def writer(request: pytest.FixtureRequest, session: AsyncSession, sync_session: Session) -> Writer:
    return Writer(request.param, session, sync_session)


async def test_several_matching_rows_raise_multiple_results_found(
    engine: AsyncEngine, writer: Writer, fresh_session: AsyncSession
) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(User), [{"name": "Twin", "email": f"twin{n}@test.example"} for n in (1, 2)])

    with pytest.raises(MultipleResultsFound) as raised:
        await writer.create(ByNameFactory)

    assert "ByNameFactory: several rows match Meta.sqlalchemy_get_or_create (name='Twin')" in str(
        raised.value.__notes__
    )
    await writer.commit()
    assert await count_rows(fresh_session, User) == 2


@pytest.mark.parametrize("factory", [ByEmailAndNameFactory, ByEmailAndLazyNameFactory])
async def test_failed_insert_is_retried_by_the_keys_the_caller_passed(
    factory: Any, writer: Writer, existing: tuple[int, str], fresh_session: AsyncSession
) -> None:
    user_id, email = existing
    earlier = await writer.create(UserFactory)

    user = await writer.create(factory, email=email)  # the generated name matches no row

    assert user.id == user_id
    assert user.name == "Already there"
    assert earlier.email.startswith("user")  # the caller's transaction was not rolled back
    await writer.commit()
    assert await column_values(fresh_session, User.id) == sorted([(user_id,), (earlier.id,)])


async def test_failed_insert_of_a_subfactory_parent_is_retried_by_its_keywords(
    writer: Writer, existing: tuple[int, str], fresh_session: AsyncSession
) -> None:
    user_id, _email = existing

    post = await writer.create(PostByExistingAuthorFactory)

    assert post.author.id == user_id
    await writer.commit()
    assert await count_rows(fresh_session, User) == 1
    assert await count_rows(fresh_session, Post, author_id=user_id) == 1


async def test_failed_insert_without_a_passed_key_raises_the_integrity_error(
    writer: Writer, existing: tuple[int, str], fresh_session: AsyncSession
) -> None:
    class ExistingEmailFactory(ByEmailAndNameFactory):
        email = "exists@test.example"

    earlier = await writer.create(UserFactory)

    with pytest.raises(IntegrityError):
        await writer.create(ExistingEmailFactory)  # email comes from the factory, not the caller

    await writer.commit()
    assert await column_values(fresh_session, User.email) == sorted([("exists@test.example",), (earlier.email,)])
