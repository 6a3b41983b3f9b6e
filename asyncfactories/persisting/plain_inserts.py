"""INSERT without RETURNING: how the bulk path learns what the database generated.

Where the dialect can run ``INSERT … RETURNING`` for many rows (PostgreSQL, MariaDB 10.5+,
SQLite 3.35+), ``bulk`` asks for the written rows in the INSERT itself. Where it cannot — MySQL
5.7 and 8, MariaDB before 10.5, SQLite for a batch, or any dialect whose capability flags say
so — one of these writes the rows and then reads them back with one SELECT:

- SQLite, an integer rowid key: ``executemany``; the rowids are consecutive (the transaction
  holds the single writer lock), ending at ``last_insert_rowid()``.
- MySQL / MariaDB, one AUTO_INCREMENT key: one multi-row INSERT per 1,000 rows. InnoDB gives
  a multi-row ``INSERT … VALUES`` ("simple insert") all its values at once, in every
  ``innodb_autoinc_lock_mode``, and ``LAST_INSERT_ID()`` is the first of them.
- the keys given by the caller (UUIDs, natural keys): ``executemany``, then a SELECT by key —
  or no SELECT at all when every column was given.
- anything else: one INSERT per row, as the unit of work does, then a SELECT by key.

Each returns, for every row it was given and in that order, the written row (the table's
columns, in ``table.columns`` order), or ``None`` where nothing needed reading back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import CursorResult, Integer, Table, func, insert, select
from sqlalchemy.orm import Session

from .._mapping import keys_in

__all__ = ["insert_without_returning", "uses_rowids"]

#: Rows per multi-row INSERT on MySQL (well under ``max_allowed_packet`` for test data).
_ROWS_PER_STATEMENT = 1000
#: Keys per ``IN (…)`` when reading rows back by key.
_KEYS_PER_SELECT = 500

_Insert = Callable[[Session, Table, list[dict[str, Any]]], list[Any]]


def insert_without_returning(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[Any]:
    """Insert ``rows`` into ``table`` without RETURNING; the written rows, in order."""
    return _strategy(session, table, rows)(session, table, rows)


def uses_rowids(session: Session, table: Table, rows: list[dict[str, Any]]) -> bool:
    """SQLite, and the rows leave an integer rowid key to the database."""
    dialect = session.get_bind().dialect.name
    with_rowid = table.dialect_options["sqlite"].get("with_rowid", True) is not False
    return dialect == "sqlite" and with_rowid and _generated_integer_key(table, rows)


def _generated_integer_key(table: Table, rows: list[dict[str, Any]]) -> bool:
    key = list(table.primary_key.columns)
    return (
        len(key) == 1
        and isinstance(key[0].type, Integer)
        and key[0].autoincrement in (True, "auto")
        and not any(key[0].key in row for row in rows)
    )


def _strategy(session: Session, table: Table, rows: list[dict[str, Any]]) -> _Insert:
    if all(column.key in row for row in rows for column in table.primary_key.columns):
        return _insert_given_keys
    if uses_rowids(session, table, rows):
        return _insert_with_rowids
    if session.get_bind().dialect.name in ("mysql", "mariadb") and _generated_integer_key(table, rows):
        return _insert_with_first_id
    return _insert_one_by_one


def _insert_with_rowids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[Any]:
    """``executemany``, then one SELECT of the rows just written, by their consecutive rowids."""
    session.execute(insert(table), rows)
    key = next(iter(table.primary_key.columns))
    last = func.last_insert_rowid()
    written = session.execute(
        select(*table.columns).where(key.between(last - (len(rows) - 1), last)).order_by(key)
    ).all()
    return _checked(table, rows, list(written))


def _insert_with_first_id(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[Any]:
    """One multi-row INSERT per chunk; its rows are the next ``n`` keys from LAST_INSERT_ID()."""
    key = next(iter(table.primary_key.columns))
    written: list[Any] = []
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        first = _executed(session, insert(table).values(chunk)).lastrowid
        # ``>= first … LIMIT n`` rather than a computed range: it holds for any
        # ``auto_increment_increment``, and the chunk's values were handed out as one block.
        statement = select(*table.columns).where(key >= first).order_by(key).limit(len(chunk))
        written.extend(session.execute(statement).all())
    return _checked(table, rows, written)


def _insert_given_keys(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[Any]:
    """``executemany`` with the keys the rows carry; read back only what was not given."""
    session.execute(insert(table), rows)
    if all(len(row) == len(table.columns) for row in rows):
        return [None] * len(rows)  # every column was given: nothing to read back
    key = [column.key for column in table.primary_key.columns]
    return _select_by_key(session, table, [tuple(row[name] for name in key) for row in rows])


def _insert_one_by_one(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[Any]:
    """One INSERT per row (the database tells each row's key), then a SELECT by key."""
    statement = insert(table)
    keys = [tuple(_executed(session, statement, row).inserted_primary_key or ()) for row in rows]
    return _select_by_key(session, table, keys)


def _executed(session: Session, statement: Any, *parameters: Any) -> CursorResult[Any]:
    """``session.execute`` of an INSERT, typed as what it returns (a ``CursorResult``)."""
    return cast(CursorResult[Any], session.execute(statement, *parameters))


def _select_by_key(session: Session, table: Table, keys: list[tuple[Any, ...]]) -> list[Any]:
    columns = list(table.primary_key.columns)
    positions = [list(table.columns).index(column) for column in columns]
    found: dict[tuple[Any, ...], Any] = {}
    for start in range(0, len(keys), _KEYS_PER_SELECT):
        chunk = keys[start : start + _KEYS_PER_SELECT]
        for row in session.execute(select(*table.columns).where(keys_in(columns, chunk))):
            found[tuple(row[position] for position in positions)] = row
    return _checked(table, keys, [found.get(k) for k in keys])


def _checked(table: Table, sent: list[Any], written: list[Any]) -> list[Any]:
    if len(written) != len(sent) or any(row is None for row in written):
        read = sum(row is not None for row in written)
        raise RuntimeError(f"asyncfactories: expected {len(sent)} new rows in {table.name}, read back {read}")
    return written
