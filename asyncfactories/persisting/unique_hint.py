"""The sentence added to a unique violation: which column repeated, and how to make it unique.

Each database words the error its own way; the repeated columns are read from its message:

- SQLite: ``UNIQUE constraint failed: users.email``
- PostgreSQL: ``Key (email)=(a@example.com) already exists.`` (the error's detail)
- MySQL / MariaDB: ``Duplicate entry 'a@example.com' for key 'email'`` (an index name, mapped back
  to its columns through the table's constraints)
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Column, MetaData, Table, UniqueConstraint
from sqlalchemy.exc import DBAPIError, IntegrityError

__all__ = ["unique_violation_note"]

_SQLITE = re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)")
_POSTGRES = re.compile(r"Key \(([^)]*)\)=")
_MYSQL = re.compile(r"Duplicate entry '.*' for key '([^']+)'", re.DOTALL)
_INSERT_INTO = re.compile(r"INSERT INTO [`\"\[]?(?:\w+[`\"\]]?\.[`\"\[]?)?(\w+)", re.IGNORECASE)


def unique_violation_note(error: DBAPIError, metadata: MetaData | None) -> str | None:
    """A hint naming the repeated column(s) and a fix, or None if ``error`` is not a repeat.

    ``metadata`` holds the tables the failing call wrote to (the model's ``MetaData``).
    """
    if metadata is None or not isinstance(error, IntegrityError):
        return None
    found = _repeated(error, metadata)
    if found is None:
        return None
    table, columns = found
    return _advice(table, columns)


def _repeated(error: IntegrityError, metadata: MetaData) -> tuple[Table, list[Column[Any]]] | None:
    message = str(error.orig)
    cause = getattr(error.orig, "__cause__", None)  # asyncpg's own error, with the detail
    statement_table = _table(metadata, _statement_table(error.statement))
    if match := _SQLITE.search(message):
        qualified = [name.rpartition(".") for name in match.group(1).split(", ")]
        return _columns(_table(metadata, qualified[0][0]), [column for _, _, column in qualified])
    detail = f"{getattr(cause, 'detail', '') or ''}\n{message}"
    if match := _POSTGRES.search(detail):
        table = _table(metadata, getattr(cause, "table_name", None))
        table = statement_table if table is None else table
        return _columns(table, [name.strip().strip('"') for name in match.group(1).split(",")])
    if (match := _MYSQL.search(message)) and statement_table is not None:
        return _columns(statement_table, _mysql_key_columns(statement_table, match.group(1).rpartition(".")[2]))
    return None


def _statement_table(statement: str | None) -> str | None:
    match = _INSERT_INTO.search(statement or "")
    return match.group(1) if match else None


def _table(metadata: MetaData, name: str | None) -> Table | None:
    return next((table for table in metadata.tables.values() if table.name == name), None)


def _columns(table: Table | None, names: list[str]) -> tuple[Table, list[Column[Any]]] | None:
    if table is None or not names or any(name not in table.c for name in names):
        return None
    return table, [table.c[name] for name in names]


def _mysql_key_columns(table: Table, key: str) -> list[str]:
    """MySQL names an unnamed unique index after its first column (``email``, ``email_2``)."""
    if key == "PRIMARY":
        return [column.name for column in table.primary_key.columns]
    uniques = [c for c in table.constraints if isinstance(c, UniqueConstraint)] + [i for i in table.indexes if i.unique]
    for unique in uniques:
        if unique.name == key:
            return [column.name for column in unique.columns]
    first = re.sub(r"_\d+$", "", key)
    for unique in uniques:
        names = [column.name for column in unique.columns]
        if names and names[0] == first:
            return names
    return [first] if first in table.c else []


def _advice(table: Table, columns: list[Column[Any]]) -> str:
    where = ", ".join(f"{table.name}.{column.name}" for column in columns)
    subject = f"{where} must be unique" if len(columns) == 1 else f"({where}) must be unique together"
    column = next((c for c in columns if _python_type(c) in (str, int)), columns[0])
    value = "n" if _python_type(column) is int else f'f"{column.key}-{{n}}"'
    return (
        f"asyncfactories: {subject} and a value repeated one already written. Give {column.key} values "
        f"that never repeat: {column.key} = factory.Sequence(lambda n: {value}), or a generator that "
        f"does not repeat, e.g. factory.LazyFunction(lambda: fake.unique.<provider>()) with Faker's "
        f"unique proxy"
    )


def _python_type(column: Column[Any]) -> type | None:
    try:
        python_type: type = column.type.python_type
    except NotImplementedError:
        return None
    return python_type
