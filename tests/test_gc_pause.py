"""Batch calls pause Python's cyclic garbage collector while they run, and only while they run."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from asyncfactories import LazyFunction, Sequence

from .factories import UserFactory
from .models import User
from .persistence_helpers import column_values

seen: list[bool] = []


class WatchingUserFactory(UserFactory):
    """Notes, while each object is built, whether the collector is enabled."""

    email = Sequence(lambda n: f"watched{n}@test.example")
    name = LazyFunction(lambda: seen.append(gc.isenabled()) or "Watched")


@pytest.fixture(autouse=True)
def collector_enabled() -> Iterator[None]:
    seen.clear()
    gc.enable()
    yield
    gc.enable()


async def test_create_many_runs_with_the_collector_paused_and_enables_it_after(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    await WatchingUserFactory.create_many(3, session=session)
    await session.commit()

    assert seen == [False, False, False]
    assert gc.isenabled()
    assert len(await column_values(fresh_session, User.id)) == 3


async def test_a_single_create_leaves_the_collector_alone(session: AsyncSession) -> None:
    await WatchingUserFactory.create(session=session)

    assert seen == [True]
    assert gc.isenabled()


async def test_a_collector_the_application_paused_stays_paused(session: AsyncSession) -> None:
    gc.disable()

    await WatchingUserFactory.create_many(2, session=session)

    assert not gc.isenabled()


async def test_a_failing_batch_enables_the_collector_again(session: AsyncSession) -> None:
    await UserFactory.create(session=session, email="taken@test.example")

    with pytest.raises(IntegrityError):
        await WatchingUserFactory.create_many(2, session=session, email="taken@test.example")

    assert seen == [False, False]
    assert gc.isenabled()


def test_the_sync_batch_pauses_it_too(sync_session: Session) -> None:
    WatchingUserFactory.create_batch_sync(2, session=sync_session)

    assert seen == [False, False]
    assert gc.isenabled()
