"""``Meta.isolate_failures = False``: no SAVEPOINT per create; a failure rolls back the transaction."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import Sequence

from .conftest import StatementLog
from .factories import UserFactory
from .models import User
from .persistence_helpers import column_values


class UnisolatedUserFactory(UserFactory):
    email = Sequence(lambda n: f"unisolated{n}@test.example")

    class Meta:
        isolate_failures = False


class InheritingUserFactory(UnisolatedUserFactory):
    pass


async def test_creates_in_a_running_transaction_send_no_savepoint(
    session: AsyncSession, fresh_session: AsyncSession, statements: StatementLog
) -> None:
    await session.begin()
    await UnisolatedUserFactory.create(session=session)
    statements.clear()

    await UnisolatedUserFactory.create(session=session)
    await InheritingUserFactory.create_many(3, session=session)
    await session.commit()

    assert statements.count("SAVEPOINT") == 0
    assert statements.count("RELEASE") == 0
    assert len(await column_values(fresh_session, User.id)) == 5


async def test_the_default_still_isolates(session: AsyncSession, statements: StatementLog) -> None:
    await session.begin()
    await UserFactory.create(session=session)
    statements.clear()

    await UserFactory.create(session=session)

    assert statements.count("SAVEPOINT") == 1
    assert statements.count("RELEASE") == 1


async def test_a_failure_rolls_back_the_transaction_and_the_session_goes_on(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    committed = await UnisolatedUserFactory.create(session=session, email="committed@test.example")
    await session.commit()
    committed_id = committed.id
    await UnisolatedUserFactory.create(session=session, email="lost@test.example")

    with pytest.raises(IntegrityError) as raised:
        await UnisolatedUserFactory.create(session=session, email="committed@test.example")

    assert "UnisolatedUserFactory.create(" in "\n".join(raised.value.__notes__)
    after = await UnisolatedUserFactory.create(session=session, email="after@test.example")
    await session.commit()
    emails = sorted(email for (email,) in await column_values(fresh_session, User.email))
    assert emails == ["after@test.example", "committed@test.example"]  # the uncommitted row is gone
    assert after.id is not None
    await session.refresh(committed)  # the rollback expired it, as any rollback does
    assert committed.id == committed_id
