"""Random schemas for the zero-config property test: a hypothesis strategy, the models it
describes (fresh ``MetaData`` and mapper registry per example, unique table names), and the
checks run on the rows read back.

Schemas stay within what a database can hold for any data: unique columns are of types with
room for thousands of values, and every multi-column unique constraint includes such a column
(a constraint over two booleans cannot hold 25 distinct rows, whatever fills it).
"""

from __future__ import annotations

import enum
import itertools
import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    Interval,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, relationship
from sqlalchemy.types import TypeEngine

from asyncfactories.autogen.generators import integer_range

__all__ = ["ColumnDraw", "SchemaDraw", "TableDraw", "build_models", "check_rows", "schemas"]

UNIQUE_KINDS = ("string", "int", "small", "big", "numeric", "date", "datetime", "datetime_tz", "time", "uuid")
LOW_KINDS = ("bool", "enum")
ALL_KINDS = (*UNIQUE_KINDS, "text", "float", "interval", "json", "binary", *LOW_KINDS)
SERVER_DEFAULT_KINDS = ("int", "small", "big", "string", "bool")
_counter = itertools.count()


@dataclass(frozen=True)
class ColumnDraw:
    name: str
    kind: str
    length: int = 0
    precision: int = 0
    scale: int = 0
    nullable: bool = False
    unique: bool = False
    default: bool = False
    server_default: bool = False
    labels: tuple[str, ...] = ()
    python_enum: bool = False


@dataclass(frozen=True)
class TableDraw:
    columns: tuple[ColumnDraw, ...]
    #: ``(parent table index, nullable, unique)`` per foreign key.
    parents: tuple[tuple[int, bool, bool], ...]
    groups: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SchemaDraw:
    tables: tuple[TableDraw, ...]


@st.composite
def columns(draw: st.DrawFn, index: int, kinds: tuple[str, ...]) -> ColumnDraw:
    kind = draw(st.sampled_from(kinds))
    unique = kind in UNIQUE_KINDS and draw(st.integers(0, 4)) == 0
    length = draw(st.integers(3 if unique else 1, 100 if unique else 255)) if kind == "string" else 0
    length = draw(st.integers(1, 64)) if kind == "binary" else length
    precision = draw(st.integers(3 if unique else 1, 18)) if kind == "numeric" else 0
    scale = draw(st.integers(0, min(precision, 6))) if kind == "numeric" else 0
    server = not unique and kind in SERVER_DEFAULT_KINDS and (kind != "string" or length >= 5) and draw(st.booleans())
    labels = tuple(draw(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=4, unique=True)))
    return ColumnDraw(
        name=f"c{index}_{kind}",
        kind=kind,
        length=length,
        precision=precision,
        scale=scale,
        nullable=draw(st.booleans()),
        unique=unique,
        default=not server and kind not in ("json", "binary") and draw(st.integers(0, 3)) == 0,
        server_default=server,
        labels=labels if kind == "enum" else (),
        python_enum=kind == "enum" and draw(st.booleans()),
    )


def _many_valued(column: ColumnDraw) -> bool:
    """Room for the rows of any example (a String(2) or NUMERIC(2) holds 99 values at most)."""
    roomy = (column.kind != "string" or column.length >= 3) and (column.kind != "numeric" or column.precision >= 3)
    return column.kind in UNIQUE_KINDS and roomy and not column.server_default


@st.composite
def tables(draw: st.DrawFn, index: int, kinds: tuple[str, ...]) -> TableDraw:
    count = draw(st.integers(1, 6))
    drawn = tuple(draw(columns(i, kinds)) for i in range(count))
    parents = tuple(
        (draw(st.integers(0, index - 1)), draw(st.booleans()), draw(st.integers(0, 5)) == 0)
        for _ in range(draw(st.integers(0, 2) if index else st.just(0)))
    )
    indexable = [c.name for c in drawn if c.kind in (*UNIQUE_KINDS, *LOW_KINDS)]
    indexable += [f"p{k}_id" for k in range(len(parents))]
    carriers = {c.name for c in drawn if _many_valued(c)} | {f"p{k}_id" for k in range(len(parents))}
    groups: list[tuple[str, ...]] = []
    if len(indexable) >= 2 and carriers:
        for _ in range(draw(st.integers(0, 2))):
            group = tuple(draw(st.lists(st.sampled_from(indexable), min_size=2, max_size=3, unique=True)))
            if carriers & set(group) and group not in groups:
                groups.append(group)
    return TableDraw(columns=drawn, parents=parents, groups=tuple(groups))


@st.composite
def schemas(draw: st.DrawFn, with_binary: bool = True) -> SchemaDraw:
    kinds = ALL_KINDS if with_binary else tuple(kind for kind in ALL_KINDS if kind != "binary")
    return SchemaDraw(tuple(draw(tables(i, kinds)) for i in range(draw(st.integers(1, 3)))))


# ---------------------------------------------------------------------------- models


def _type(column: ColumnDraw, enum_name: str) -> TypeEngine[Any]:
    simple: dict[str, TypeEngine[Any]] = {
        "text": Text(), "int": Integer(), "small": SmallInteger(), "big": BigInteger(), "float": Float(),
        "bool": Boolean(), "date": Date(), "datetime": DateTime(), "datetime_tz": DateTime(timezone=True),
        "time": Time(), "interval": Interval(), "uuid": Uuid(), "json": JSON(),
    }  # fmt: skip
    if column.kind in simple:
        return simple[column.kind]
    if column.kind == "string":
        return String(column.length)
    if column.kind == "numeric":
        return Numeric(column.precision, column.scale)
    if column.kind == "binary":
        return LargeBinary(column.length)
    if column.python_enum:
        return Enum(enum.Enum(enum_name, {label.upper(): label for label in column.labels}), name=enum_name)
    return Enum(*column.labels, name=enum_name)


_DEFAULTS: dict[str, Any] = {
    "string": "d", "text": "default text", "int": 5, "small": 5, "big": 5, "numeric": Decimal(0), "float": 1.5,
    "bool": True, "uuid": None, "date": None, "datetime": None, "datetime_tz": None, "time": None,
    "interval": None,
}  # fmt: skip


def _column(column: ColumnDraw, enum_name: str) -> Column[Any]:
    type_ = _type(column, enum_name)
    default = _DEFAULTS.get(column.kind) if column.default else None
    if column.default and column.kind == "enum":
        default = type_.enum_class(column.labels[0]) if column.python_enum else column.labels[0]  # type: ignore[attr-defined]  # Enum only
    server = None
    if column.server_default:
        server = false() if column.kind == "bool" else text("'abc'" if column.kind == "string" else "0")
    unique = column.unique or None
    return Column(column.name, type_, nullable=column.nullable, unique=unique, default=default, server_default=server)


def build_models(schema: SchemaDraw) -> tuple[MetaData, list[type[Any]]]:
    """Fresh models for ``schema``, with table names no other example (or process) uses."""
    metadata = MetaData()
    base: Any = type("Base", (DeclarativeBase,), {"metadata": metadata, "__module__": __name__})
    prefix = f"ag_h{os.getpid() % 100_000}_{next(_counter)}"
    models: list[type[Any]] = []
    for index, draw in enumerate(schema.tables):
        name = f"{prefix}_{index}"
        cols: list[Any] = [Column("id", Integer, primary_key=True)]
        cols += [_column(c, f"{name}_{c.name}") for c in draw.columns]
        for k, (parent, nullable, unique) in enumerate(draw.parents):
            target = f"{prefix}_{parent}.id"
            cols.append(Column(f"p{k}_id", ForeignKey(target), nullable=nullable, unique=unique or None))
        cols += [UniqueConstraint(*group) for group in draw.groups]
        table = Table(name, metadata, *cols)
        attrs: dict[str, Any] = {"__table__": table, "__module__": __name__}
        for k, (parent, _nullable, _unique) in enumerate(draw.parents):
            attrs[f"p{k}"] = relationship(models[parent], foreign_keys=[table.c[f"p{k}_id"]])
        models.append(type(f"T{index}", (base,), attrs))
    return metadata, models


# ---------------------------------------------------------------------------- checks


def _check_value(column: Column[Any], value: Any) -> None:
    type_ = column.type
    if isinstance(type_, String) and not isinstance(type_, Enum) and type_.length:
        assert len(value) <= type_.length, (column, value)
    elif isinstance(type_, Numeric) and not isinstance(type_, Float) and type_.precision:
        assert abs(Decimal(value)) < Decimal(10) ** (type_.precision - (type_.scale or 0)), (column, value)
    elif isinstance(type_, Integer):
        low, high = integer_range(type_)
        assert low <= value <= high, (column, value)
    elif isinstance(type_, Enum):
        assert value in (list(type_.enum_class) if type_.enum_class else type_.enums), (column, value)
    elif isinstance(type_, LargeBinary) and type_.length:
        assert len(value) <= type_.length, (column, value)


def check_rows(table: Table, rows: list[dict[str, Any]], ids: dict[str, set[Any]]) -> None:
    """Every constraint of ``table`` holds for ``rows`` (``ids``: primary keys per table)."""
    for row in rows:
        for column in table.columns:
            value = row[column.name]
            if value is None:
                assert column.nullable, (column, "is NULL")
                continue
            _check_value(column, value)
            for foreign_key in column.foreign_keys:
                assert value in ids[foreign_key.column.table.name], (column, value, "dangling")
    groups = [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    groups += [[c] for c in table.columns if c.unique]
    for group in groups:
        keys = [tuple(row[c.name] for c in group) for row in rows]
        keys = [key for key in keys if None not in key]
        assert len(set(keys)) == len(keys), (group, "repeats")
