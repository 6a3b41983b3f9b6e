"""PostgreSQL: a batch as one ``INSERT … SELECT … FROM unnest(…) RETURNING`` per table.

Each column travels as one array parameter, so a batch of any size is one statement with one
parameter per column, which the driver prepares once: on PostgreSQL several times as fast as
SQLAlchemy's "insertmanyvalues" (a multi-row ``VALUES`` with a parameter per value, split into
statements of about a thousand rows). ``WITH ORDINALITY … ORDER BY`` keeps the written rows in
the batch's order, as SQLAlchemy's own sorted ``RETURNING`` does.

Where a column cannot travel as an array the bulk path keeps insertmanyvalues: a type outside
the plain ones below (an ``Enum``, ``JSON``, an ``ARRAY``, a ``TypeDecorator``), or a column left
out whose Python-side ``default`` would have to run per row. A value that is a SQL expression
never reaches this module: ``bulk.py`` leaves such a batch to the unit of work.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Time,
    TypeDecorator,
    Uuid,
    bindparam,
    func,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import TypeEngine

__all__ = [
    "insert_arrays",
    "insert_unnest",
    "plain_type",
    "travels",
    "unnest_allows",
    "unnest_dialect",
    "unnest_possible",
]

#: The drivers that send a Python list as a PostgreSQL array and render the array casts.
_DRIVERS = ("asyncpg", "psycopg")
#: Types whose values travel unchanged inside an array of the same type.
_PLAIN = (Integer, String, Boolean, Float, Numeric, Date, DateTime, Time, Uuid, LargeBinary)
#: Rows per statement: memory stays small, the statement count low.
ROWS_PER_STATEMENT = 10_000


def plain_type(type_: TypeEngine[Any]) -> bool:
    """A built-in type whose values travel unchanged in an array and are read back as sent."""
    return isinstance(type_, _PLAIN) and not isinstance(type_, (Enum, TypeDecorator))


def unnest_possible(session: Session, table: Table, rows: list[dict[str, Any]]) -> bool:
    """PostgreSQL through asyncpg or psycopg, two rows or more, every column able to travel.

    ``rows`` all give the same columns (``bulk`` groups them so), and no value is a SQL
    expression (``bulk`` leaves those to the unit of work: see ``travels``).
    """
    return bool(rows) and unnest_allows(session, table, tuple(rows[0]), len(rows))


def unnest_allows(session: Session, table: Table, keys: tuple[str, ...], count: int) -> bool:
    """``count`` rows giving the columns ``keys`` can go as one statement (their values are
    checked by ``travels``)."""
    if count < 2 or not keys or not unnest_dialect(session):
        return False
    for column in table.columns:
        if column.key in keys:
            if not plain_type(column.type):
                return False
        elif column.default is not None:
            return False  # a Python-side default runs per row: insertmanyvalues does that
    return True


def unnest_dialect(session: Session) -> bool:
    """PostgreSQL through asyncpg or psycopg, with RETURNING."""
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql" or dialect.driver not in _DRIVERS:
        return False
    return bool(dialect.insert_returning)  # off: a simulated server without RETURNING


def travels(value_types: set[type[Any]]) -> bool:
    """Values of these types can be sent as parameters, in an array or one by one: none is a
    SQL expression (which the unit of work renders into its INSERT instead)."""
    return not any(issubclass(type_, ClauseElement) for type_ in value_types)


#: One statement per table, set of given columns and set of returned ones, built once (statements
#: are immutable).
_STATEMENTS: weakref.WeakKeyDictionary[Table, dict[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()


def _statement(table: Table, keys: tuple[str, ...], returned: tuple[str, ...]) -> Any:
    built = _STATEMENTS.setdefault(table, {})
    statement = built.get((keys, returned))
    if statement is None:
        columns = [table.c[key] for key in keys]
        arrays = [bindparam(f"af_{index}", type_=ARRAY(column.type)) for index, column in enumerate(columns)]
        rows = func.unnest(*arrays).table_valued(*keys, with_ordinality="af_ordinality").render_derived(name="af_rows")
        chosen = select(*(rows.c[key] for key in keys)).order_by(rows.c.af_ordinality)
        insert_rows = insert(table).from_select(keys, chosen)
        statement = built[keys, returned] = insert_rows.returning(*(table.c[key] for key in returned))
    return statement


def insert_unnest(
    session: Session, table: Table, rows: list[dict[str, Any]], returned: tuple[str, ...] | None = None
) -> list[Any]:
    """Insert ``rows`` with one statement per ``ROWS_PER_STATEMENT``; the written rows, in order,
    each with the ``returned`` columns (all of the table's when None)."""
    keys = tuple(rows[0])
    return insert_arrays(session, table, {key: [row[key] for row in rows] for key in keys}, returned)


def insert_arrays(
    session: Session, table: Table, arrays: dict[str, list[Any]], returned: tuple[str, ...] | None = None
) -> list[Any]:
    """``insert_unnest`` of rows given as one list of values per column (all of one length)."""
    keys = tuple(arrays)
    statement = _statement(table, keys, tuple(table.c.keys()) if returned is None else returned)
    columns = list(arrays.values())
    written: list[Any] = []
    for start in range(0, len(columns[0]), ROWS_PER_STATEMENT):
        chunk = {f"af_{index}": values[start : start + ROWS_PER_STATEMENT] for index, values in enumerate(columns)}
        written.extend(session.execute(statement, chunk).all())
    return written
