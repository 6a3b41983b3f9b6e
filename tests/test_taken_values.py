"""``Meta.avoid_taken_values`` / ``avoid_taken_values()``: generated unique values move past the
values rows already in the table hold — looked up once per column, not per row — and nothing
changes when the table holds none of them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from asyncfactories import (
    ConfigurationError,
    Faker,
    ModelFactory,
    SelfAttribute,
    Sequence,
    SubFactory,
    avoid_taken_values,
    seed,
)

from .conftest import StatementLog
from .models import Post, Tag, User
from .readback import fetch_all


class AvoidingUserFactory(ModelFactory[User]):
    name = "Ada"
    email = Sequence(lambda n: f"user{n}@test.example")

    class Meta:
        avoid_taken_values = True


class AvoidingPostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"post {n}")
    author = SubFactory(AvoidingUserFactory)


class ReadsAuthorIdFactory(ModelFactory[Post]):
    """Flushes each author as it is built (it reads the author's key): moved one by one."""

    title = Sequence(lambda n: f"post {n}")
    author = SubFactory(AvoidingUserFactory)
    author_id = SelfAttribute("author.id")


class PlainTagFactory(ModelFactory[Tag]):
    """``name`` is unique and not declared: a zero-config unique value."""


class AvoidingTagFactory(PlainTagFactory):
    class Meta:
        avoid_taken_values = True


@pytest.fixture(autouse=True)
def _fresh_sequences() -> Iterator[None]:
    for factory in (AvoidingUserFactory, AvoidingPostFactory, ReadsAuthorIdFactory):
        factory.reset_sequence(force=True)
    yield
    avoid_taken_values(False)


async def _write_users(engine: AsyncEngine, numbers: range) -> None:
    async with engine.begin() as connection:
        rows = [{"name": "seeded", "email": f"user{n}@test.example"} for n in numbers]
        await connection.execute(insert(User), rows)


def _email_lookups(log: StatementLog) -> int:
    return sum(1 for sql in log.statements if re.match(r"\s*SELECT users\.email\s+FROM users", sql))


async def test_generated_values_move_past_the_rows_already_there(
    engine: AsyncEngine, session: AsyncSession, fresh_session: AsyncSession, statements: StatementLog
) -> None:
    await _write_users(engine, range(0, 30))
    users = await AvoidingUserFactory.create_many(10, session=session)
    await session.commit()

    emails = [user.email for user in users]
    assert emails == [f"user{n}@test.example" for n in range(30, 40)]  # the next free numbers
    assert _email_lookups(statements) <= 5  # one per round of candidates, not one per row
    assert len(await fetch_all(fresh_session, select(User))) == 40


async def test_on_an_empty_table_nothing_changes(session: AsyncSession) -> None:
    users = await AvoidingUserFactory.create_many(3, session=session)
    assert [user.email for user in users] == ["user0@test.example", "user1@test.example", "user2@test.example"]


async def test_a_value_the_call_gives_is_never_moved(engine: AsyncEngine, session: AsyncSession) -> None:
    await _write_users(engine, range(1))
    with pytest.raises(IntegrityError):
        await AvoidingUserFactory.create(session=session, email="user0@test.example")


async def test_sub_factory_parents_and_flushed_parents_move_too(engine: AsyncEngine, session: AsyncSession) -> None:
    await _write_users(engine, range(0, 6))
    posts = await AvoidingPostFactory.create_many(3, session=session)
    flushed = await ReadsAuthorIdFactory.create_many(2, session=session)
    await session.commit()
    emails = {post.author.email for post in posts + flushed}
    assert len(emails) == 5 and not emails & {f"user{n}@test.example" for n in range(6)}


async def test_zero_config_unique_values_move_too(engine: AsyncEngine, session: AsyncSession) -> None:
    from asyncfactories.autogen import reset_unique_values

    seed(7)
    reset_unique_values()
    names = [tag.name for tag in PlainTagFactory.build_batch(4)]  # what the next create would give
    seed(7)
    reset_unique_values()
    assert [tag.name for tag in PlainTagFactory.build_batch(4)] == names
    seed(7)
    reset_unique_values()
    async with engine.begin() as connection:
        await connection.execute(insert(Tag), [{"name": name} for name in names])
    tags = await AvoidingTagFactory.create_many(4, session=session)
    await session.commit()
    assert not {tag.name for tag in tags} & set(names)


async def test_the_global_switch_and_a_factory_that_opts_out(engine: AsyncEngine, session: AsyncSession) -> None:
    class PlainUserFactory(ModelFactory[User]):
        name = "Ada"
        email = Sequence(lambda n: f"user{n}@test.example")

    class OptedOutUserFactory(PlainUserFactory):
        class Meta:
            avoid_taken_values = False

    await _write_users(engine, range(2))
    avoid_taken_values(True)
    assert [u.email for u in await PlainUserFactory.create_many(2, session=session)] == [
        "user2@test.example",
        "user3@test.example",
    ]
    OptedOutUserFactory.reset_sequence(force=True)  # its first value, user0, is taken
    with pytest.raises(IntegrityError):
        await OptedOutUserFactory.create(session=session)


def test_the_option_takes_true_false_or_none() -> None:
    with pytest.raises(ConfigurationError, match=r"Meta.avoid_taken_values must be True, False or None"):

        class BadFactory(ModelFactory[User]):
            class Meta:
                avoid_taken_values = "yes"

    with pytest.raises(TypeError, match="avoid_taken_values\\(\\) takes True or False"):
        avoid_taken_values("yes")  # type: ignore[arg-type]  # the mistake under test


class FakerEmailUserFactory(ModelFactory[User]):
    name = "Ada"
    email = Faker("email")

    class Meta:
        avoid_taken_values = True


async def test_faker_values_move_too(engine: AsyncEngine, session: AsyncSession) -> None:
    seed(11)
    emails = [user.email for user in FakerEmailUserFactory.build_batch(5)]  # what the next create gives
    seed(11)
    assert [user.email for user in FakerEmailUserFactory.build_batch(5)] == emails
    async with engine.begin() as connection:
        await connection.execute(insert(User), [{"name": "seeded", "email": email} for email in set(emails)])
    seed(11)
    users = await FakerEmailUserFactory.create_many(5, session=session)
    await session.commit()
    assert len({user.email for user in users}) == 5 and not {user.email for user in users} & set(emails)
