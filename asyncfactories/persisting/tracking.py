"""``tracking()``: delete, when a block ends, every row the factories created inside it.

For tests that commit through sessions of their own (an application server in another process
must see the rows), where rolling back ``af_session`` cannot clean up. Every persisting call
that succeeds inside the block records the objects it created — SubFactory parents and
RelatedFactory children included — and the block's end deletes them by primary key: the rows
of many-to-many tables that point at them first, then one ``DELETE`` per table (per 500 keys),
children before parents. Rows the factories did not create are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any

from sqlalchemy import Column, Delete, Engine, Table, delete
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.util import sort_tables

from .._mapping import keys_in

__all__ = ["CreatedRows", "record_created", "tracking"]

_KEYS_PER_STATEMENT = 500

_trackers: ContextVar[tuple[CreatedRows, ...]] = ContextVar("asyncfactories_trackers", default=())


def record_created(instances: Sequence[Any]) -> None:
    """Add what a persisting call created to every ``tracking()`` block it runs in."""
    for tracker in _trackers.get():
        tracker.instances.extend(instances)


class CreatedRows:
    """The objects the factories created inside a ``tracking()`` block, in creation order."""

    def __init__(self) -> None:
        self.instances: list[Any] = []

    def __len__(self) -> int:
        return len(self.instances)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.instances)

    def delete_statements(self) -> list[Delete]:
        """The statements that delete these rows: association rows, then children before parents."""
        keys = _keys_by_table(self.instances)
        statements = [statement for table, rows in keys.items() for statement in _association_deletes(table, rows)]
        for table in reversed(sort_tables(list(keys))):
            statements += _deletes(table, list(table.primary_key.columns), sorted(keys[table], key=repr))
        return statements


def _keys_by_table(instances: list[Any]) -> dict[Table, set[tuple[Any, ...]]]:
    """The primary key of each written object, under each table its mapper writes."""
    keys: dict[Table, set[tuple[Any, ...]]] = {}
    for instance in instances:
        state = sa_inspect(instance)
        if state.identity is None:  # never written (its call flushed nothing, or was rolled back)
            continue
        for table in state.mapper.tables:
            if isinstance(table, Table) and len(table.primary_key.columns) == len(state.identity):
                keys.setdefault(table, set()).add(tuple(state.identity))
    return keys


def _association_deletes(table: Table, rows: set[tuple[Any, ...]]) -> list[Delete]:
    """DELETEs of the ``secondary`` rows that point at these rows of ``table``."""
    statements: list[Delete] = []
    key = list(table.primary_key.columns)
    for other in table.metadata.tables.values():
        pointing = [(fk.parent, fk.column) for fk in other.foreign_keys if fk.column.table is table]
        if not pointing or not _is_association(other):
            continue
        local = [column for column, target in pointing if target in key]
        positions = [key.index(target) for _column, target in pointing if target in key]
        values = {tuple(row[position] for position in positions) for row in rows}
        statements += _deletes(other, local, sorted(values, key=repr))
    return statements


def _is_association(table: Table) -> bool:
    """A table made of foreign keys only (a ``secondary``): no mapper writes its rows itself."""
    return all(column.foreign_keys for column in table.columns)


def _deletes(table: Table, columns: list[Column[Any]], values: list[tuple[Any, ...]]) -> list[Delete]:
    statements = []
    for start in range(0, len(values), _KEYS_PER_STATEMENT):
        chunk = values[start : start + _KEYS_PER_STATEMENT]
        statements.append(delete(table).where(keys_in(columns, chunk)))
    return statements


class tracking:  # noqa: N801 - used like a function, as bind_session is
    """Record every row the factories create in the block, and delete them all when it ends.

    ``async with tracking(engine) as created:`` with an ``AsyncEngine``, ``with
    tracking(engine) as created:`` with an ``Engine``. The rows are deleted in one transaction
    through ``engine``, whether the block succeeded or not; sessions that hold locks on them
    should be closed first. A row that something else made point at a created row (a comment
    your application wrote on a created post) makes the delete fail: delete it in the block.
    """

    def __init__(self, engine: AsyncEngine | Engine) -> None:
        if not isinstance(engine, AsyncEngine | Engine):
            raise TypeError(f"tracking() takes an AsyncEngine or an Engine, got {type(engine).__name__}")
        self.engine = engine
        self.created = CreatedRows()
        self._token: Token[tuple[CreatedRows, ...]] | None = None

    def _start(self) -> CreatedRows:
        self._token = _trackers.set((*_trackers.get(), self.created))
        return self.created

    def _stop(self) -> None:
        if self._token is not None:
            _trackers.reset(self._token)
            self._token = None

    def __enter__(self) -> CreatedRows:
        if not isinstance(self.engine, Engine):
            raise TypeError("tracking() with an AsyncEngine needs 'async with'")
        return self._start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._stop()
        assert isinstance(self.engine, Engine)  # checked in __enter__
        with self.engine.begin() as connection:
            for statement in self.created.delete_statements():
                connection.execute(statement)

    async def __aenter__(self) -> CreatedRows:
        if not isinstance(self.engine, AsyncEngine):
            raise TypeError("tracking() with an Engine needs 'with', not 'async with'")
        return self._start()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop()
        assert isinstance(self.engine, AsyncEngine)  # checked in __aenter__
        async with self.engine.begin() as connection:
            for statement in self.created.delete_statements():
                await connection.execute(statement)
