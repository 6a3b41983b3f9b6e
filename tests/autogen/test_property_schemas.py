"""Property test: zero-config factories fill any schema (SPEC §6.1-§6.3).

Hypothesis draws random schemas (``schemas.py``): column types with random lengths, precision
and scale, nullability, Python and server defaults, unique and multi-column unique
constraints, an Enum, foreign keys between the tables. For each, fresh models are declared,
their tables created, ``create_many(25)`` run with a factory that declares nothing for every
table, every row read back and every constraint checked — then the tables are dropped.

The test runs ``CI_EXAMPLES`` schemas per database; ``--hypothesis-profile=long`` (registered
in ``conftest.py``) runs 500.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import MetaData, Table, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from asyncfactories import ModelFactory

from .conftest import ag_url, aiomysql_cannot_send_bytes
from .schemas import SchemaDraw, build_models, check_rows, schemas

CI_EXAMPLES = 40


async def _check_schema(engine: AsyncEngine, schema: SchemaDraw) -> None:
    metadata, models = build_models(schema)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    try:
        await _create_and_check(engine, metadata, models)
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.drop_all)


async def _create_and_check(engine: AsyncEngine, metadata: MetaData, models: list[type[Any]]) -> None:
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        for model in models:
            created = await ModelFactory.create_factory(model).create_many(25, session=session)
            assert len(created) == 25
        await session.commit()
        rows: dict[str, list[dict[str, Any]]] = {}
        for table in metadata.sorted_tables:
            rows[table.name] = [dict(row) for row in (await session.execute(select(table))).mappings()]
    ids = {name: {row["id"] for row in found} for name, found in rows.items()}
    for table in metadata.sorted_tables:
        assert len(rows[table.name]) >= 25
        check_rows(_as_table(table), rows[table.name], ids)


def _as_table(table: Any) -> Table:
    assert isinstance(table, Table)
    return table


def _examples(request: pytest.FixtureRequest) -> int:
    chosen = request.config.getoption("hypothesis_profile", default=None)
    return settings.get_profile(chosen).max_examples if chosen else CI_EXAMPLES


@pytest.mark.slow
def test_zero_config_factories_fill_random_schemas(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    loop = asyncio.new_event_loop()  # its own loop, outside pytest-asyncio's (asyncio.Runner is 3.11+)
    engine = create_async_engine(ag_url(backend, tmp_path))
    with_binary = not aiomysql_cannot_send_bytes(engine.url)  # aio-libs/aiomysql#1080

    @settings(
        max_examples=_examples(request),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(schema=schemas(with_binary=with_binary))
    def check(schema: SchemaDraw) -> None:
        loop.run_until_complete(_check_schema(engine, schema))

    try:
        check()
    finally:
        loop.run_until_complete(engine.dispose())
        loop.close()
