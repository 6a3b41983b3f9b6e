"""Zero-config factories create valid rows on every database (SPEC §6.1, §6.4)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from asyncfactories import ModelFactory

from .conftest import aiomysql_cannot_send_bytes
from .models import (
    AgAccount,
    AgArticle,
    AgBlob,
    AgCar,
    AgEmployee,
    AgEngineer,
    AgGroup,
    AgLabel,
    AgMembership,
    AgMysqlTypes,
    AgNote,
    AgNoteAuthor,
    AgPgTypes,
    AgSlot,
    AgTeam,
    AgVehicle,
)


async def _count(session: AsyncSession, model: type[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_every_generic_column_type_is_accepted(session: AsyncSession, fresh_session: AsyncSession) -> None:
    built = await ModelFactory.create_factory(AgAccount).create_many(25, session=session)
    await session.commit()
    rows = {row.id: row for row in (await fresh_session.scalars(select(AgAccount))).all()}
    assert len(rows) == 25
    for account in built:
        row = rows[account.id]
        for key in ("email", "username", "name", "code", "status", "tier", "active", "age", "big", "birthday"):
            assert getattr(row, key) == getattr(account, key), key
        assert row.price == account.price and row.token == account.token and row.settings == account.settings
        assert row.seen_at.replace(tzinfo=None) == account.seen_at
        assert row.session_length == account.session_length
        assert row.score == 0 and row.created_at is not None and row.role == "user"


@pytest.mark.parametrize(
    "model",
    [AgTeam, AgSlot, AgMembership, AgGroup, AgArticle, AgLabel, AgEmployee, AgEngineer, AgVehicle, AgCar],
)
async def test_models_of_every_shape_build_and_create(
    session: AsyncSession, fresh_session: AsyncSession, model: type[Any]
) -> None:
    factory = ModelFactory.create_factory(model)
    assert isinstance(factory.build(), model)
    created = await factory.create_many(25, session=session)
    await session.commit()
    assert await _count(fresh_session, model) == 25
    assert len({tuple(factory._meta.model.__mapper__.primary_key_from_instance(i)) for i in created}) == 25


async def test_inheritance_sets_the_discriminator(session: AsyncSession, fresh_session: AsyncSession) -> None:
    await ModelFactory.create_factory(AgEngineer).create_many(3, session=session)
    await ModelFactory.create_factory(AgCar).create_many(2, session=session)
    await session.commit()
    assert {type(e) for e in (await fresh_session.scalars(select(AgEmployee))).all()} == {AgEngineer}
    assert all(e.language for e in (await fresh_session.scalars(select(AgEngineer))).all())
    assert {v.kind for v in (await fresh_session.scalars(select(AgVehicle))).all()} == {"car"}


async def test_dataclass_models_get_init_false_fields_and_default_factories(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    factory = ModelFactory.create_factory(AgNote)
    note = factory.build()
    assert note.slug and note.tags == [] and note.priority == 3 and isinstance(note.author, AgNoteAuthor)
    assert factory.build(slug="given").slug == "given"  # a keyword for an init=False field is honoured
    notes = await factory.create_many(25, session=session)
    await session.commit()
    assert len({n.slug for n in notes}) == 25 and all(n.author_id for n in notes)
    assert await _count(fresh_session, AgNote) == 25


async def test_association_objects_and_secondary_collections_persist(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    await ModelFactory.create_factory(AgMembership).create_many(5, session=session)
    await ModelFactory.create_factory(AgArticle, __set_relationships__=True).create_many(5, session=session)
    await session.commit()
    assert await _count(fresh_session, AgGroup) == 5
    rows = (await fresh_session.execute(select(func.count()).select_from(AgArticle.labels.property.secondary))).scalar()
    assert rows == 5


async def test_bytes_are_accepted(ag_engine: AsyncEngine, backend: str) -> None:
    engine = ag_engine
    if backend == "mysql" and aiomysql_cannot_send_bytes(engine.url):
        # aio-libs/aiomysql#1080: check the values through asyncmy on the same database instead.
        engine = create_async_engine(engine.url.set(drivername="mysql+asyncmy"))
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as own:
            created = await ModelFactory.create_factory(AgBlob).create_many(25, session=own)
            await own.commit()
            query = select(AgBlob).execution_options(populate_existing=True)
            rows = {row.id: row for row in await own.scalars(query)}
            assert all(rows[c.id].avatar == c.avatar and rows[c.id].fingerprint == c.fingerprint for c in created)
            await own.execute(delete(AgBlob))
            await own.commit()
    finally:
        if engine is not ag_engine:
            await engine.dispose()


async def test_postgresql_types_are_accepted(session: AsyncSession, fresh_session: AsyncSession, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("PostgreSQL types")
    created = await ModelFactory.create_factory(AgPgTypes).create_many(25, session=session)
    await session.commit()
    rows = {row.id: row for row in (await fresh_session.scalars(select(AgPgTypes))).all()}
    assert all(rows[c.id].numbers == c.numbers and rows[c.id].doc == c.doc for c in created)


async def test_mysql_types_are_accepted(session: AsyncSession, fresh_session: AsyncSession, backend: str) -> None:
    if backend != "mysql":
        pytest.skip("MySQL types")
    created = await ModelFactory.create_factory(AgMysqlTypes).create_many(25, session=session)
    await session.commit()
    rows = {row.id: row for row in (await fresh_session.scalars(select(AgMysqlTypes))).all()}
    assert all(rows[c.id].flags == c.flags and rows[c.id].amount == Decimal(c.amount) for c in created)
