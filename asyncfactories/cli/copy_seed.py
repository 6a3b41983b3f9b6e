"""``seed`` into PostgreSQL through asyncpg: rows streamed with COPY, keys reserved first.

A factory with a row plan (``building/rows.py``) needs no objects: each chunk's rows are worked
out as ``create_many`` would build them, the keys that children need are reserved from each
parent table's sequence (``nextval`` over ``generate_series``, one statement per table), and
every table's rows go in with one ``COPY``, parents first, in one transaction per chunk. A key
column the rows leave out keeps its default, as does every server default.

Where the plan cannot be followed, seed creates objects as ``create_many`` does: a factory
without a row plan, a column type outside the plain ones, another driver; a key column with no
sequence to reserve from; and, for one chunk, a unique value already taken in the table (the
regular path moves past it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Column, Sequence
from sqlalchemy.ext.asyncio import AsyncEngine

from ..building.rows import NoRowsError, RowChunk, RowPlan, row_plan
from ..persisting.unnest import plain_type

__all__ = ["CopyFailedError", "CopyWriter", "copy_writer"]


class CopyFailedError(Exception):
    """The database refused a chunk; ``orig`` is asyncpg's error."""

    def __init__(self, orig: Exception) -> None:
        super().__init__(str(orig))
        self.orig = orig


class _NoCopyError(Exception):
    """The plan cannot be followed (before anything was written): create objects instead."""


def _plans(plan: RowPlan) -> Iterator[RowPlan]:
    yield plan
    for parent in plan.parents.values():
        yield from _plans(parent)


def copy_writer(engine: AsyncEngine, factory: Any) -> CopyWriter | None:
    """A writer for ``factory``'s rows, or None where seed must create objects."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "asyncpg":
        return None
    plan = row_plan(factory)
    if plan is None:
        return None
    if not all(plain_type(column.type) for each in _plans(plan) for column in each.columns):
        return None
    return CopyWriter(engine, plan)


class CopyWriter:
    """Writes chunks of one factory's rows (and its parents' rows) with COPY."""

    def __init__(self, engine: AsyncEngine, plan: RowPlan) -> None:
        self.engine = engine
        self.plan = plan
        self._sequences: dict[Column[Any], str] = {}
        #: Set when the plan proved impossible: every later chunk creates objects.
        self.abandoned = False

    async def write(self, count: int) -> bool:
        """Write and commit ``count`` rows of the factory; False where objects must be created instead.

        False for a chunk with a unique value already taken (nothing of it is written), and
        from then on once the plan proved impossible. ``CopyFailedError`` for any other refusal.
        """
        import asyncpg  # type: ignore[import-untyped]  # no type hints; the driver copy_writer() checked for

        if self.abandoned:
            return False
        try:
            await self._write(count)
        except _NoCopyError:
            self.abandoned = True
            return False
        except asyncpg.UniqueViolationError:
            return False
        except asyncpg.PostgresError as error:
            raise CopyFailedError(error) from error
        return True

    async def _write(self, count: int) -> None:
        chunk = RowChunk()
        try:
            chunk.add(self.plan, count)
        except NoRowsError as error:
            raise _NoCopyError(str(error)) from error
        async with self.engine.connect() as connection:
            driver: Any = (await connection.get_raw_connection()).driver_connection
            async with driver.transaction():
                for plan, rows in chunk.in_write_order():
                    await self._reserve(driver, plan, rows)
                chunk.link()
                for plan, rows in chunk.in_write_order():
                    names = [column.name for column in plan.columns]
                    await driver.copy_records_to_table(
                        plan.table.name, schema_name=plan.table.schema, columns=names, records=rows
                    )

    async def _reserve(self, driver: Any, plan: RowPlan, rows: list[list[Any]]) -> None:
        for index in plan.reserved:
            sequence = await self._sequence(driver, plan.columns[index])
            keys = await driver.fetch("SELECT nextval($1::regclass) FROM generate_series(1, $2)", sequence, len(rows))
            for row, key in zip(rows, keys, strict=True):
                row[index] = key[0]

    async def _sequence(self, driver: Any, column: Column[Any]) -> str:
        """The sequence that gives ``column`` its values: its ``Sequence``, or its serial / identity one."""
        found = self._sequences.get(column)
        if found is None:
            preparer = self.engine.dialect.identifier_preparer
            if isinstance(column.default, Sequence):
                found = preparer.format_sequence(column.default)
            else:
                table = preparer.format_table(column.table)
                found = await driver.fetchval("SELECT pg_get_serial_sequence($1, $2)", table, column.name)
            if found is None:
                raise _NoCopyError(f"{column.table.name}.{column.name} has no sequence to reserve keys from")
            self._sequences[column] = found
        return found
