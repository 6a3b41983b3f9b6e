"""SPEC §4.7: concurrent creates on one session are serialised; sequences never repeat across
tasks and threads."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from asyncfactories import ModelFactory, Sequence

from .factories import PostFactory, UserFactory
from .models import Post, User
from .persistence_helpers import column_values, count_rows


class ConcurrentUserFactory(ModelFactory[User]):
    name = "Concurrent"
    email = Sequence(lambda n: f"concurrent{n}@test.example")


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """Let threads switch as often as possible, so that an unguarded counter would race."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


async def test_gather_of_100_creates_on_one_session(session: AsyncSession, fresh_session: AsyncSession) -> None:
    users = await asyncio.gather(*(UserFactory.create(session=session) for _ in range(100)))

    assert len({user.id for user in users}) == 100
    assert None not in {user.id for user in users}
    await session.commit()
    assert await count_rows(fresh_session, User) == 100


async def test_gather_of_mixed_creates_and_batches_on_one_session(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    results = await asyncio.gather(
        *(PostFactory.create_many(3, session=session) for _ in range(10)),
        *(PostFactory.create(session=session) for _ in range(10)),
    )

    posts = [post for result in results for post in (result if isinstance(result, list) else [result])]
    assert len({post.id for post in posts}) == 40
    assert all(post.author.posts == [post] for post in posts)
    await session.commit()
    assert (await count_rows(fresh_session, Post), await count_rows(fresh_session, User)) == (40, 40)


async def test_tasks_with_their_own_sessions_never_share_a_sequence_value(
    engine: AsyncEngine, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    maker = async_sessionmaker(engine, expire_on_commit=False)

    async def create_three() -> list[str]:
        async with maker() as own:
            users = [await ConcurrentUserFactory.create(session=own) for _ in range(3)]
            await own.commit()
        return [user.email for user in users]

    emails = [email for result in await asyncio.gather(*(create_three() for _ in range(20))) for email in result]

    assert len(set(emails)) == 60
    assert await column_values(fresh_session, User.email) == sorted((email,) for email in emails)


def test_threads_building_at_once_never_get_the_same_sequence_value(frequent_thread_switches: None) -> None:
    """factory_boy's counter step is one read and one write with no call between them, which a
    GIL build of CPython does not interrupt; this guards the promise on free-threaded builds
    and against a counter that does more between the two (as ``_next_seq`` does, below)."""
    start = threading.Barrier(8)

    def build_many() -> list[str]:
        start.wait()
        return [ConcurrentUserFactory.build().email for _ in range(300)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        emails = [email for result in pool.map(lambda _: build_many(), range(8)) for email in result]

    assert len(emails) == 2400
    assert len(set(emails)) == 2400


def test_threads_calling_next_seq_never_get_the_same_value(frequent_thread_switches: None) -> None:
    start = threading.Barrier(8)

    def take_many() -> list[int]:
        start.wait()
        return [ConcurrentUserFactory._next_seq() for _ in range(500)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        values = [value for result in pool.map(lambda _: take_many(), range(8)) for value in result]

    assert len(set(values)) == 4000
