"""Zero-config values for the generic ``ARRAY`` and for a ``TypeDecorator`` (SPEC §6.1, §6.5).

Issue #12, section 4: the generic ``sqlalchemy.ARRAY`` had no generator (only
``postgresql.ARRAY`` had one), and a ``TypeDecorator`` storing UUIDs as ``CHAR(32)`` was given
32-character strings, which its ``process_bind_param`` cannot bind.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import pytest
from sqlalchemy import Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession

from asyncfactories import ModelFactory

from ..readback import fetch_all
from .shape_models import AgBadge, AgGenericArrays, HexUUID


def test_a_type_decorator_is_generated_as_its_python_type() -> None:
    tokens = [badge.token for badge in ModelFactory.create_factory(AgBadge).build_batch(20)]
    assert all(isinstance(token, uuid.UUID) for token in tokens) and len(set(tokens)) == 20


def test_generators_for_the_decorator_or_its_python_type_are_used() -> None:
    class ByUuidFactory(ModelFactory[AgBadge]):
        class Meta:
            # Uuid: the generic type standing for the decorator's python_type
            type_generators: ClassVar[dict[Any, Any]] = {Uuid: lambda: uuid.UUID(int=7)}

    class ByDecoratorFactory(ModelFactory[AgBadge]):
        class Meta:
            type_generators: ClassVar[dict[Any, Any]] = {
                HexUUID: lambda: uuid.UUID(int=8),
                Uuid: lambda: uuid.UUID(int=9),
            }

    assert ByUuidFactory.build().token == uuid.UUID(int=7)
    assert ByDecoratorFactory.build().token == uuid.UUID(int=8)  # the decorator itself wins


async def test_type_decorator_values_are_stored_and_read_back(
    session: AsyncSession, fresh_session: AsyncSession
) -> None:
    created = await ModelFactory.create_factory(AgBadge).create_many(25, session=session)
    await session.commit()
    rows = {row.id: row.token for row in await fetch_all(fresh_session, select(AgBadge))}
    assert rows == {badge.id: badge.token for badge in created}


def test_the_generic_array_gets_lists_of_its_item_type() -> None:
    row = ModelFactory.create_factory(AgGenericArrays).build()
    assert row.numbers and all(isinstance(n, int) for n in row.numbers)
    assert row.grid and all(isinstance(inner, list) and all(isinstance(n, int) for n in inner) for inner in row.grid)
    assert row.words and all(isinstance(word, str) and len(word) <= 20 for word in row.words)


async def test_generic_array_values_are_stored_and_read_back(
    session: AsyncSession, fresh_session: AsyncSession, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("the generic ARRAY exists on PostgreSQL only")
    created = await ModelFactory.create_factory(AgGenericArrays).create_many(25, session=session)
    await session.commit()
    rows = {row.id: row for row in await fetch_all(fresh_session, select(AgGenericArrays))}
    assert len(rows) == 25 and len({tuple(row.words) for row in rows.values()}) == 25
    assert all((rows[c.id].numbers, rows[c.id].grid, rows[c.id].words) == (c.numbers, c.grid, c.words) for c in created)
