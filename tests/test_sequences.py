"""SPEC §2.3 / §4.7: ``defaults()``, ``_next_seq()`` and ``_reset_seq()``; unique values under concurrency."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from asyncfactories import LazyAttribute, ModelFactory, Sequence

from .models import User
from .readback import fetch_all


class CountedUserFactory(ModelFactory[User]):
    name = "Counted"
    email = Sequence(lambda n: f"counted{n}@test.example")

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {"status": f"status-{cls._next_seq()}"}


class CountedChildFactory(CountedUserFactory):
    pass


class SeqEmailUserFactory(ModelFactory[User]):
    """Unique emails from ``_next_seq()`` in ``defaults()``, as polyfactory users write them."""

    name = "Seq"

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {"email": f"seq{cls._next_seq()}@test.example"}


# --------------------------------------------------------------------------- defaults()


def test_defaults_are_called_for_every_instance() -> None:
    CountedUserFactory._reset_seq()
    users = CountedUserFactory.build_batch(3)
    assert [user.status for user in users] == ["status-1", "status-2", "status-3"]


def test_defaults_values_may_be_declarations() -> None:
    class DeclaredDefaultsFactory(ModelFactory[User]):
        name = "Ada Lovelace"

        @classmethod
        def defaults(cls) -> dict[str, Any]:
            return {
                "email": Sequence(lambda n: f"declared-default{n}@test.example"),
                "role": LazyAttribute(lambda user: user.name.split()[0].lower()),
            }

    first, second = DeclaredDefaultsFactory.build_batch(2)
    assert first.role == "ada"
    assert first.email != second.email
    assert DeclaredDefaultsFactory.build(name="Grace Hopper").role == "grace"


async def test_defaults_are_persisted(session: AsyncSession, fresh_session: AsyncSession) -> None:
    users = await SeqEmailUserFactory.create_many(3, session=session)
    await session.commit()
    rows = await fetch_all(fresh_session, select(User.email).order_by(User.id))
    assert rows == [user.email for user in users]
    assert len(set(rows)) == 3


# --------------------------------------------------------------------------- _next_seq / _reset_seq


def test_next_seq_counts_from_one_per_factory_class() -> None:
    CountedUserFactory._reset_seq()
    SeqEmailUserFactory._reset_seq()
    assert [CountedUserFactory._next_seq() for _ in range(3)] == [1, 2, 3]
    assert [SeqEmailUserFactory._next_seq() for _ in range(2)] == [1, 2]
    assert CountedUserFactory._next_seq() == 4


def test_a_subclass_counts_on_its_own() -> None:
    CountedUserFactory._reset_seq()
    CountedChildFactory._reset_seq()
    assert [CountedUserFactory._next_seq() for _ in range(2)] == [1, 2]
    assert [CountedChildFactory._next_seq() for _ in range(3)] == [1, 2, 3]
    assert CountedUserFactory._next_seq() == 3
    assert [user.status for user in CountedChildFactory.build_batch(2)] == ["status-4", "status-5"]


def test_reset_seq_restarts_next_seq_at_one() -> None:
    for _ in range(5):
        CountedUserFactory._next_seq()
    CountedUserFactory._reset_seq()
    assert CountedUserFactory._next_seq() == 1
    assert CountedUserFactory.build().status == "status-2"


def test_reset_seq_restarts_the_factory_boy_sequence_too() -> None:
    CountedUserFactory._reset_seq()
    first = CountedUserFactory.build().email
    CountedUserFactory.build_batch(4)
    CountedUserFactory._reset_seq()
    assert CountedUserFactory.build().email == first


def test_reset_seq_of_one_factory_leaves_another_factorys_counters_alone() -> None:
    SeqEmailUserFactory._reset_seq()
    CountedUserFactory._reset_seq()
    SeqEmailUserFactory.build_batch(3)
    counted_email = CountedUserFactory.build().email
    CountedUserFactory._reset_seq()
    assert SeqEmailUserFactory.build().email == "seq4@test.example"
    assert CountedUserFactory.build().email == counted_email


# --------------------------------------------------------------------------- concurrency


async def test_concurrent_creates_on_separate_sessions_get_unique_values(
    engine: AsyncEngine, session: AsyncSession, fresh_session: AsyncSession
) -> None:
    maker = async_sessionmaker(engine, expire_on_commit=False)

    async def create_one() -> User:
        async with maker() as own:
            user = await SeqEmailUserFactory.create(session=own, name=f"task {CountedUserFactory._next_seq()}")
            await own.commit()
            return user

    users = await asyncio.gather(*(create_one() for _ in range(50)))
    emails = [user.email for user in users]
    assert len(set(emails)) == 50
    rows = await fetch_all(fresh_session, select(User.email))
    assert sorted(rows) == sorted(emails)


async def test_concurrent_creates_on_one_session_get_unique_values(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    users = await asyncio.gather(*(CountedUserFactory.create(session=session) for _ in range(50)))
    await session.commit()
    assert len({user.email for user in users}) == 50
    assert len({user.status for user in users}) == 50
    rows = await fetch_all(fresh_session, select(User.email))
    assert sorted(rows) == sorted(user.email for user in users)


def test_next_seq_and_sequences_never_repeat_across_threads() -> None:
    CountedUserFactory._reset_seq()
    start = threading.Barrier(8)

    def work(_: int) -> list[tuple[str, str]]:
        start.wait()
        return [(user.email, user.status) for user in CountedUserFactory.build_batch(50)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [pair for chunk in pool.map(work, range(8)) for pair in chunk]
    emails = [email for email, _ in results]
    statuses = [status for _, status in results]
    assert len(set(emails)) == 400
    assert sorted(statuses, key=lambda status: int(status.split("-")[1])) == [f"status-{n}" for n in range(1, 401)]


def test_next_seq_never_repeats_across_threads_called_directly() -> None:
    SeqEmailUserFactory._reset_seq()

    def work(_: int) -> list[int]:
        return [SeqEmailUserFactory._next_seq() for _ in range(500)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        values = [value for chunk in pool.map(work, range(8)) for value in chunk]
    assert sorted(values) == list(range(1, 4001))
