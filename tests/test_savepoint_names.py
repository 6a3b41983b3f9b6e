"""The SAVEPOINT that isolates each create (SPEC §4.6) has the same name at the same depth.

A name the driver has seen before comes from its statement cache (asyncpg prepares every new
statement: one round trip more); the names must still never clash with open savepoints of the
application, its test fixtures or an enclosing create — MariaDB replaces a savepoint of the
same name instead of nesting it.
"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import ModelFactory, Sequence

from .conftest import StatementLog
from .factories import UserFactory
from .models import User
from .persistence_helpers import column_values


def savepoint_statements(statements: StatementLog) -> list[str]:
    return [sql.strip() for sql in statements.statements if "SAVEPOINT" in sql.upper()]


async def test_consecutive_creates_send_the_same_savepoint_statements(
    session: AsyncSession, statements: StatementLog
) -> None:
    await session.begin()
    await UserFactory.create(session=session)  # the transaction has begun: every create protects
    statements.clear()

    for _ in range(3):
        await UserFactory.create(session=session)

    sent = savepoint_statements(statements)
    assert len(sent) == 6
    assert len(set(sent[0::2])) == 1, sent
    assert len(set(sent[1::2])) == 1, sent
    assert sent[0].upper().startswith("SAVEPOINT") and sent[1].upper().startswith("RELEASE")


async def test_the_applications_own_savepoints_keep_sqlalchemys_names_and_work(
    session: AsyncSession, fresh_session: AsyncSession, statements: StatementLog
) -> None:
    kept = await UserFactory.create(session=session, email="kept@test.example")

    outer = await session.begin_nested()
    await UserFactory.create(session=session, email="inside@test.example")
    with pytest.raises(IntegrityError):
        await UserFactory.create(session=session, email="kept@test.example")
    await UserFactory.create(session=session, email="after-failure@test.example")
    await outer.rollback()  # the application's savepoint: undoes what was created inside it

    second = await session.begin_nested()
    await UserFactory.create(session=session, email="second@test.example")
    await second.commit()
    await session.commit()

    names = [sql.split()[-1] for sql in savepoint_statements(statements) if sql.upper().startswith("SAVEPOINT")]
    application, creates = [names[0], names[4]], [names[1], names[2], names[3], names[5]]
    assert len(set(creates)) == 1, names
    assert not set(application) & set(creates), names
    first = int(application[0].rsplit("_", 1)[1])
    assert application[1] == f"sa_savepoint_{first + 1}", "SQLAlchemy's own numbering goes on"
    assert sorted(email for (email,) in await column_values(fresh_session, User.email)) == [
        "kept@test.example",
        "second@test.example",
    ]
    assert kept.id is not None


class GetOrCreateUserFactory(ModelFactory[User]):
    """Inserts inside a SAVEPOINT of its own (SPEC §4.5), within the create's."""

    name = "Looked up"
    email = Sequence(lambda n: f"lookup{n}@test.example")

    class Meta:
        sqlalchemy_get_or_create = ("email",)


async def test_a_savepoint_inside_the_creates_own_gets_another_name(
    session: AsyncSession, fresh_session: AsyncSession, statements: StatementLog
) -> None:
    await session.begin()
    await UserFactory.create(session=session)
    statements.clear()

    first = await GetOrCreateUserFactory.create(session=session, email="one@test.example")
    again = await GetOrCreateUserFactory.create(session=session, email="one@test.example")
    await session.commit()

    sent = savepoint_statements(statements)
    opened = [sql.split()[-1] for sql in sent if sql.upper().startswith("SAVEPOINT")]
    released = [sql.split()[-1] for sql in sent if sql.upper().startswith("RELEASE")]
    assert len(opened) == 3  # the first create's, its insert's inside it, the second create's
    assert opened[0] != opened[1]
    assert opened[2] == opened[0]
    assert released == [opened[1], opened[0], opened[2]]
    assert again is first
    emails = [email for (email,) in await column_values(fresh_session, User.email)]
    assert len(emails) == 2
    assert emails.count("one@test.example") == 1
