"""PostgreSQL: a batch as one ``INSERT … SELECT … FROM unnest(…) RETURNING`` per table.

Each column travels as one array parameter, so a batch of any size is one statement with one
parameter per column, which the driver prepares once: on PostgreSQL several times as fast as
SQLAlchemy's "insertmanyvalues" (a multi-row ``VALUES`` with a parameter per value, split into
statements of about a thousand rows). ``WITH ORDINALITY … ORDER BY`` keeps the written rows in
the batch's order, as SQLAlchemy's own sorted ``RETURNING`` does.

Where a column cannot travel as an array the bulk path keeps insertmanyvalues: a type outside
the plain ones below (an ``Enum``, ``JSON``, an ``ARRAY``, a ``TypeDecorator``), a column left
out whose Python-side ``default`` would have to run per row, or a value that is a SQL expression.
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

__all__ = ["insert_unnest", "plain_type", "unnest_possible"]

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

    ``rows`` all give the same columns (``bulk`` groups them so).
    """
    dialect = session.get_bind().dialect
    if len(rows) < 2 or dialect.name != "postgresql" or dialect.driver not in _DRIVERS or not rows[0]:
        return False
    if not dialect.insert_returning:  # RETURNING switched off (a simulated server without it)
        return False
    given = rows[0].keys()
    for column in table.columns:
        if column.key in given:
            if not plain_type(column.type):
                return False
        elif column.default is not None:
            return False  # a Python-side default runs per row: insertmanyvalues does that
    return not any(isinstance(value, ClauseElement) for row in rows for value in row.values())


#: One statement per table and set of given columns, built once (statements are immutable).
_STATEMENTS: weakref.WeakKeyDictionary[Table, dict[tuple[str, ...], Any]] = weakref.WeakKeyDictionary()


def _statement(table: Table, keys: tuple[str, ...]) -> Any:
    built = _STATEMENTS.setdefault(table, {})
    statement = built.get(keys)
    if statement is None:
        columns = [table.c[key] for key in keys]
        arrays = [bindparam(f"af_{index}", type_=ARRAY(column.type)) for index, column in enumerate(columns)]
        rows = func.unnest(*arrays).table_valued(*keys, with_ordinality="af_ordinality").render_derived(name="af_rows")
        chosen = select(*(rows.c[key] for key in keys)).order_by(rows.c.af_ordinality)
        statement = built[keys] = insert(table).from_select(keys, chosen).returning(*table.columns)
    return statement


def insert_unnest(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[Any]:
    """Insert ``rows`` with one statement per ``ROWS_PER_STATEMENT``; the written rows, in order."""
    keys = tuple(rows[0])
    statement = _statement(table, keys)
    written: list[Any] = []
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        arrays = {f"af_{index}": [row[key] for row in chunk] for index, key in enumerate(keys)}
        written.extend(session.execute(statement, arrays).all())
    return written
