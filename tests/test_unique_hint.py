"""The unique-violation note, read from each database's own error: which columns repeated, the fix."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, UniqueConstraint, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from asyncfactories.persisting.unique_hint import unique_violation_note

metadata = MetaData()
accounts = Table(
    "hint_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(50), unique=True),
    Column("tenant", String(10)),
    Column("handle", String(10)),
    Column("code", Integer),
    UniqueConstraint("tenant", "handle"),
    UniqueConstraint("code", name="hint_accounts_code_uq"),
)

ROW = {"id": 1, "email": "a@x", "tenant": "t", "handle": "h", "code": 1}
#: A second row repeating one unique key of ROW, and the words the note must contain.
CASES = {
    "single column": (
        {"id": 2, "email": "a@x", "tenant": "u", "handle": "h", "code": 2},
        "hint_accounts.email must be unique",
        'email = factory.Sequence(lambda n: f"email-{n}")',
    ),
    "two columns": (
        {"id": 2, "email": "b@x", "tenant": "t", "handle": "h", "code": 2},
        "(hint_accounts.tenant, hint_accounts.handle) must be unique together",
        'tenant = factory.Sequence(lambda n: f"tenant-{n}")',
    ),
    "named constraint": (
        {"id": 2, "email": "b@x", "tenant": "u", "handle": "h", "code": 1},
        "hint_accounts.code must be unique",
        "code = factory.Sequence(lambda n: n)",
    ),
    "primary key": (
        {"id": 1, "email": "b@x", "tenant": "u", "handle": "h", "code": 2},
        "hint_accounts.id must be unique",
        "id = factory.Sequence(lambda n: n)",
    ),
}


@pytest.fixture
async def hint_table(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)
        await connection.run_sync(metadata.create_all)
        await connection.execute(insert(accounts).values(ROW))
    yield engine
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)


@pytest.mark.parametrize(("row", "subject", "fix"), list(CASES.values()), ids=list(CASES))
async def test_note_names_the_repeated_columns_on_every_database(
    hint_table: AsyncEngine, row: dict[str, object], subject: str, fix: str
) -> None:
    async with hint_table.connect() as connection:
        with pytest.raises(IntegrityError) as raised:
            await connection.execute(insert(accounts).values(row))
        await connection.rollback()
    note = unique_violation_note(raised.value, metadata)
    assert note is not None, str(raised.value)
    assert note.startswith(f"asyncfactories: {subject} and a value repeated one already written.")
    assert fix in note


async def test_a_not_null_violation_gets_no_unique_note(hint_table: AsyncEngine) -> None:
    nullable = Table(
        "hint_required", MetaData(), Column("id", Integer, primary_key=True), Column("v", String(5), nullable=False)
    )
    async with hint_table.begin() as connection:
        await connection.run_sync(nullable.create)
    try:
        async with hint_table.connect() as connection:
            with pytest.raises(IntegrityError) as raised:
                await connection.execute(insert(nullable).values(id=1, v=None))
            await connection.rollback()
        assert unique_violation_note(raised.value, nullable.metadata) is None
    finally:
        async with hint_table.begin() as connection:
            await connection.run_sync(nullable.drop)
