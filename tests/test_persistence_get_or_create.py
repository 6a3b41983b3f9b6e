"""SPEC §4.5: ``Meta.sqlalchemy_get_or_create`` through async sessions, races included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from asyncfactories import ModelFactory, Sequence, SubFactory

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
