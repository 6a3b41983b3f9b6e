"""What zero-config generation knows about a model, read once per model from SQLAlchemy.

``ColumnSpec`` is what every value generator receives (``fn(spec, random)``); ``ColumnFacts``
adds what decides *whether* a column is generated; ``ModelSchema`` bundles them with the
model's relationships and unique constraints. Nothing here depends on a factory's options:
``plan.py`` combines a ``ModelSchema`` with them.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Index, PrimaryKeyConstraint, Table, UniqueConstraint
from sqlalchemy.orm import ColumnProperty, Mapper
from sqlalchemy.orm.exc import UnmappedColumnError
from sqlalchemy.types import TypeEngine

from .._mapping import _constructor_arguments, _original_init, model_info
from .relationships import RelationshipFacts, inspect_relationships

__all__ = ["ColumnFacts", "ColumnSpec", "ModelSchema", "column_kind", "model_schema"]


@dataclass(frozen=True)
class ColumnSpec:
    """One column, as a value generator sees it: ``fn(spec, random) -> value``.

    ``length``, ``precision``, ``scale`` and ``timezone`` are read from the column's type (None
    when it has none); ``kind`` is the realistic kind guessed from the attribute name
    (``"email"``, ``"first_name"``, ``"city"``, ... or ``""``); ``unique`` is True when the value
    must never repeat. ``column`` is the SQLAlchemy ``Column`` itself, for anything else.
    """

    key: str
    name: str
    table: str
    type: TypeEngine[Any]
    column: Column[Any]
    nullable: bool
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    timezone: bool = False
    kind: str = ""
    unique: bool = False

    @property
    def unique_key(self) -> str:
        """The process-wide key its unique values are counted under (shared by every factory)."""
        return f"{self.table}.{self.name}"

    def for_type(self, type_: TypeEngine[Any], *, unique: bool = False) -> ColumnSpec:
        """The same column seen as another type (an ``ARRAY``'s items, a decorator's ``impl``)."""
        return dataclasses.replace(self, type=type_, **_type_facts(type_), unique=unique)


@dataclass(frozen=True)
class ColumnFacts:
    """A column and what decides whether zero-config generation may fill it."""

    spec: ColumnSpec
    #: A foreign key: set through its relationship, never invented.
    foreign: bool
    #: Filled by the database or SQLAlchemy: server default, Computed, Identity, Sequence,
    #: autoincrement primary key, polymorphic discriminator.
    database_filled: bool
    #: Any Python-side default: a Column ``default`` or a dataclass default / default_factory.
    python_default: bool
    #: ``(True, value)`` for a plain scalar ``Column(default=value)``.
    scalar_default: tuple[bool, Any]
    #: Whether the model's constructor takes it as a keyword (``init=False`` fields do not).
    in_constructor: bool
    #: Unique by itself (an autoincrement or Identity key): needs no generated uniqueness.
    self_unique: bool


@dataclass(frozen=True)
class ModelSchema:
    """Every column, relationship and unique constraint of one mapped class (cached without a
    reference back to the class, so a model that goes away takes its entry with it)."""

    columns: dict[str, ColumnFacts]
    relationships: RelationshipFacts
    #: Attribute keys under each unique constraint, unique index or non-trivial primary key;
    #: a key outside the mapping (an unmapped column) is given as ``"?name"``.
    unique_groups: tuple[tuple[str, ...], ...]


_KIND_RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    # (kind, exact names, substrings)
    ("email", ("mail", "e_mail"), ("email",)),
    ("first_name", ("first_name", "firstname", "given_name", "forename"), ()),
    ("last_name", ("last_name", "lastname", "surname", "family_name"), ()),
    ("username", ("username", "user_name", "login", "handle", "nickname", "screen_name"), ()),
    ("name", ("name", "full_name", "fullname", "display_name", "author_name", "contact_name"), ()),
    ("phone", ("tel", "telephone", "fax"), ("phone", "mobile")),
    ("url", ("url", "website", "homepage", "link", "href", "uri"), ("_url", "url_")),
    ("city", ("city", "town"), ()),
    ("country", ("country", "country_name", "country_code", "nationality"), ()),
    ("title", ("title", "subject", "headline", "heading", "caption"), ()),
    (
        "description",
        ("description", "summary", "bio", "about", "body", "content", "text", "comment", "notes", "note", "message"),
        ("_description", "_text"),
    ),
    ("slug", ("slug",), ("_slug",)),
    ("address", ("address", "street", "address_line", "street_address", "address1"), ()),
    ("company", ("company", "company_name", "organisation", "organization", "employer"), ()),
    ("postcode", ("zip", "zipcode", "zip_code", "postcode", "postal_code"), ()),
    ("age", ("age",), ()),
    ("year", ("year",), ("_year",)),
    ("quantity", ("quantity", "qty", "count", "stock", "amount"), ("_count",)),
    ("rating", ("rating", "stars"), ()),
)


def column_kind(name: str) -> str:
    """The realistic kind of value a column named ``name`` holds, or ``""``."""
    lowered = name.lower()
    for kind, exact, parts in _KIND_RULES:
        if lowered in exact or any(part in lowered for part in parts):
            return kind
    return ""


def _type_facts(type_: TypeEngine[Any]) -> dict[str, Any]:
    length = getattr(type_, "length", None)
    precision = getattr(type_, "precision", None)
    scale = getattr(type_, "scale", None)
    return {
        "length": length if isinstance(length, int) else None,
        "precision": precision if isinstance(precision, int) else None,
        "scale": scale if isinstance(scale, int) else None,
        "timezone": bool(getattr(type_, "timezone", False)),
    }


def _base_column(prop: ColumnProperty[Any], mapper: Mapper[Any]) -> Column[Any] | None:
    """The column a property writes: its own table's column without a foreign key if any.

    A joined-inheritance key maps ``[child.id, parent.id]``: the value goes to the parent's
    column, the child's follows through the foreign key.
    """
    columns = [c for c in prop.columns if isinstance(c, Column) and c.table in mapper.tables]
    if not columns:
        return None
    for column in columns:
        if not column.foreign_keys:
            return column
    return columns[0]


def _database_fills(column: Column[Any], mapper: Mapper[Any]) -> bool:
    table = column.table
    if column.server_default is not None or column.computed is not None or column.identity is not None:
        return True
    if column.default is not None and getattr(column.default, "is_sequence", False):
        return True
    if isinstance(table, Table) and table.autoincrement_column is column:
        return True
    return _is_discriminator(column, mapper)


def _is_discriminator(column: Column[Any], mapper: Mapper[Any]) -> bool:
    for ancestor in mapper.iterate_to_root():
        discriminator = ancestor.polymorphic_on
        if discriminator is not None and (discriminator is column or column in discriminator.proxy_set):
            return True
    return False


def _dataclass_defaults(model: type) -> set[str]:
    if not dataclasses.is_dataclass(model):
        return set()
    missing = dataclasses.MISSING
    return {f.name for f in dataclasses.fields(model) if f.default is not missing or f.default_factory is not missing}


def _facts(key: str, column: Column[Any], mapper: Mapper[Any], accepted: frozenset[str] | None) -> ColumnFacts:
    default = column.default
    scalar = default is not None and bool(getattr(default, "is_scalar", False))
    table = column.table
    spec = ColumnSpec(
        key=key,
        name=column.name,
        table=table.fullname if isinstance(table, Table) else str(table),
        type=column.type,
        column=column,
        nullable=bool(column.nullable),
        kind=column_kind(key),
        **_type_facts(column.type),
    )
    database_filled = _database_fills(column, mapper)
    return ColumnFacts(
        spec=spec,
        foreign=bool(column.foreign_keys),
        database_filled=database_filled,
        python_default=default is not None or key in _dataclass_defaults(mapper.class_),
        scalar_default=(True, getattr(default, "arg", None)) if scalar else (False, None),
        in_constructor=accepted is None or key in accepted,
        self_unique=database_filled and (column.identity is not None or table.autoincrement_column is column),
    )


def _unique_groups(mapper: Mapper[Any]) -> tuple[tuple[str, ...], ...]:
    groups: list[tuple[str, ...]] = []
    for table in mapper.tables:
        if not isinstance(table, Table):
            continue
        constraints: list[Any] = [
            c for c in table.constraints if isinstance(c, (UniqueConstraint, PrimaryKeyConstraint))
        ]
        constraints += [index for index in table.indexes if isinstance(index, Index) and index.unique]
        columns = [list(c.columns) for c in constraints] + [[c] for c in table.columns if c.unique]
        for group in columns:
            keys = tuple(_key_of(mapper, column) for column in group if isinstance(column, Column))
            if keys and keys not in groups:
                groups.append(keys)
    # table.constraints is a set: sort, so the same model always makes the same choices
    # (see docs/guides/reproducibility.md).
    return tuple(sorted(groups, key=lambda keys: (len(keys), keys)))


def _key_of(mapper: Mapper[Any], column: Column[Any]) -> str:
    try:
        return mapper.get_property_by_column(column).key
    except UnmappedColumnError:
        return f"?{column.name}"


_INFO_KEY = "asyncfactories.schema"
_lock = threading.Lock()


def model_schema(model: type) -> ModelSchema:
    """Inspect ``model`` once (configuring the mappers) and cache the result.

    The cache is the class manager's ``info`` dict (SQLAlchemy's place for user data about a
    mapped class), so it lives exactly as long as the model.
    """
    info = model_info(model).mapper.class_manager.info
    found: ModelSchema | None = info.get(_INFO_KEY)
    if found is None:
        with _lock:
            found = info.get(_INFO_KEY)
            if found is None:
                found = info[_INFO_KEY] = _inspect(model)
    return found


def _inspect(model: type) -> ModelSchema:
    mapper = model_info(model).mapper
    accepted = _accepted_keywords(mapper)
    columns: dict[str, ColumnFacts] = {}
    for prop in mapper.column_attrs:
        column = _base_column(prop, mapper)
        if column is not None:
            columns[prop.key] = _facts(prop.key, column, mapper, accepted)
    relationships = inspect_relationships(mapper)
    return ModelSchema(columns=columns, relationships=relationships, unique_groups=_unique_groups(mapper))


def _accepted_keywords(mapper: Mapper[Any]) -> frozenset[str] | None:
    """Names the model's own ``__init__`` takes, or None when it takes every mapped name."""
    init = _original_init(mapper)
    if init is None or init is mapper.registry.constructor:
        return None
    names, takes_any = _constructor_arguments(mapper)
    return None if takes_any else frozenset(names)
