"""The bulk write path: one Core INSERT batch per table instead of the ORM's unit of work.

``create_many`` builds every instance first; ``write_in_bulk`` then inserts them table by
table, parents first, with ``INSERT … RETURNING``: on PostgreSQL one ``INSERT … SELECT … FROM
unnest(…)`` per table (``unnest.py``), elsewhere SQLAlchemy's "insertmanyvalues" (MariaDB; SQLite
through ``executemany`` plus its consecutive rowids). The keys
and server defaults that come back are written onto the instances, which then join the
session as ordinary persistent objects — as if a flush had loaded them.

Where this path could not keep the ORM's behaviour it declines, and the caller flushes through
the unit of work instead: joined or polymorphic inheritance, version counters, mapper or
session flush events, ``secondary`` collections with items, ``post_update``, a parent in the
same table as its child, a value that is a SQL expression, or a table without a usable key.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from itertools import chain
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Table, insert
from sqlalchemy.orm import Mapper, RelationshipDirection, RelationshipProperty, Session
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.exc import UnmappedColumnError
from sqlalchemy.orm.state import InstanceState

from .._collections import is_query_collection, members
from .attach import attach
from .plain_inserts import insert_without_returning, uses_rowids
from .unnest import insert_arrays, insert_unnest, travels, unnest_allows, unnest_dialect, unnest_possible

__all__ = ["write_in_bulk"]


def _mapper_allows_bulk(mapper: Mapper[Any]) -> bool:
    if len(mapper.tables) != 1 or mapper.polymorphic_on is not None or mapper.inherits is not None:
        return False
    if mapper.version_id_col is not None:
        return False
    dispatch = mapper.dispatch
    if dispatch.before_insert or dispatch.after_insert:
        return False
    return not any(rel.post_update for rel in mapper.relationships)


def _session_allows_bulk(session: Session) -> bool:
    dispatch = session.dispatch
    return not (dispatch.before_flush or dispatch.after_flush or dispatch.after_flush_postexec)


#: ``(local attribute, remote attribute)`` per column pair of a relationship.
_Pairs = tuple[tuple[str, str], ...]


class _Links(NamedTuple):
    """A mapper's relationships, as the bulk path reads them for every instance."""

    #: Keys of relationships through an association table: the unit of work writes those rows.
    secondary: tuple[str, ...]
    #: Keys of many-to-one relationships to the mapper's own table.
    same_table_parents: tuple[str, ...]
    #: ``(relationship, [(foreign-key attribute, parent's key attribute)])`` per many-to-one
    #: (``None`` for a column pair the mappers do not both map: worked out, and raised, per use).
    parents: tuple[tuple[RelationshipProperty[Any], _Pairs | None], ...]
    #: ``(relationship, [(key attribute, child's foreign-key attribute)])`` per one-to-many.
    children: tuple[tuple[RelationshipProperty[Any], _Pairs | None], ...]
    #: Keys of the relationships holding one object, and the relationships holding many.
    scalars: tuple[str, ...]
    collections: tuple[RelationshipProperty[Any], ...]


#: Worked out once per mapper.
_LINKS: weakref.WeakKeyDictionary[Mapper[Any], _Links] = weakref.WeakKeyDictionary()


def _links(mapper: Mapper[Any]) -> _Links:
    links = _LINKS.get(mapper)
    if links is None:
        links = _LINKS[mapper] = _work_out_links(mapper)
    return links


def _work_out_links(mapper: Mapper[Any]) -> _Links:
    relationships = list(mapper.relationships)
    many_to_one = [rel for rel in relationships if rel.direction is RelationshipDirection.MANYTOONE]
    one_to_many = [rel for rel in relationships if rel.direction is RelationshipDirection.ONETOMANY]
    return _Links(
        secondary=tuple(rel.key for rel in relationships if rel.secondary is not None),
        same_table_parents=tuple(rel.key for rel in many_to_one if rel.mapper.local_table is mapper.local_table),
        parents=tuple((rel, _known_pairs(mapper, rel)) for rel in many_to_one),
        children=tuple((rel, _known_pairs(mapper, rel)) for rel in one_to_many),
        scalars=tuple(rel.key for rel in relationships if not rel.uselist and not is_query_collection(rel)),
        collections=tuple(rel for rel in relationships if rel.uselist or is_query_collection(rel)),
    )


def _pairs(mapper: Mapper[Any], other: Mapper[Any], rel: RelationshipProperty[Any]) -> _Pairs:
    """The attribute names of each ``(local, remote)`` column pair of ``rel``."""
    return tuple(
        (mapper.get_property_by_column(local).key, other.get_property_by_column(remote).key)
        for local, remote in rel.local_remote_pairs
    )


def _known_pairs(mapper: Mapper[Any], rel: RelationshipProperty[Any]) -> _Pairs | None:
    try:
        return _pairs(mapper, rel.mapper, rel)
    except UnmappedColumnError:
        return None


def _instance_allows_bulk(instance: Any, links: _Links, batch: set[int]) -> bool:
    state_dict = instance.__dict__
    if any(state_dict.get(key) for key in links.secondary):
        return False  # association rows: the unit of work writes them
    # A parent in the same table: rows would need ordering within it.
    return not any(id(state_dict.get(key)) in batch for key in links.same_table_parents)


def _group_by_table(instances: Sequence[Any]) -> dict[Table, list[Any]] | None:
    """Instances per table, tables in dependency order; None if any cannot go in bulk."""
    batch = {id(instance) for instance in instances}
    groups: dict[Any, list[Any]] = {}
    allowed: dict[Mapper[Any], _Links | None] = {}  # per mapper, worked out once per call
    for instance in instances:
        state = instance_state(instance)
        mapper = state.mapper
        if mapper not in allowed:
            allowed[mapper] = _links(mapper) if _mapper_allows_bulk(mapper) else None
        links = allowed[mapper]
        if state.key is not None or links is None:
            return None
        if (links.secondary or links.same_table_parents) and not _instance_allows_bulk(instance, links, batch):
            return None
        groups.setdefault(mapper.local_table, []).append(instance)
    if any(_holds_sql(members) for members in groups.values()):
        return None
    if len(groups) == 1:
        return groups
    order = {table: index for index, table in enumerate(_sorted_tables(groups))}
    return {table: groups[table] for table in sorted(groups, key=order.__getitem__)}


def _holds_sql(members: list[Any]) -> bool:
    """Some object holds a SQL expression as a value, which the unit of work puts in its INSERT
    and loads back after. One set of value types per table, gathered without a Python frame per
    object (about 0.4 µs per object of three columns)."""
    values = chain.from_iterable(map(dict.values, map(attrgetter("__dict__"), members)))
    return not travels(set(map(type, values)))


def _sorted_tables(groups: dict[Any, list[Any]]) -> list[Table]:
    tables: list[Table] = []
    for table in groups:
        for candidate in table.metadata.sorted_tables:
            if candidate in groups and candidate not in tables:
                tables.append(candidate)
    return tables


def _sync_parent_keys(instance: Any, mapper: Mapper[Any], links: _Links) -> None:
    """Copy each many-to-one parent's key into the child's foreign-key attributes."""
    state_dict = instance.__dict__
    for rel, pairs in links.parents:
        parent = state_dict.get(rel.key)
        if parent is None:
            continue
        parent_mapper = instance_state(parent).mapper
        if pairs is None or parent_mapper is not rel.mapper:  # a subclass may map the key under another name
            pairs = _pairs(mapper, parent_mapper, rel)
        for local, remote in pairs:
            state_dict[local] = getattr(parent, remote)


def _sync_children_keys(instance: Any, mapper: Mapper[Any], links: _Links) -> None:
    """Copy the parent's new key into children held by its one-to-many collections."""
    state_dict = instance.__dict__
    for rel, pairs in links.children:
        for child in members(instance, rel):
            child_mapper = instance_state(child).mapper
            child_pairs = pairs
            if child_pairs is None or child_mapper is not rel.mapper:  # a subclass may name the key otherwise
                child_pairs = _pairs(mapper, child_mapper, rel)
            for local, remote in child_pairs:
                child.__dict__[remote] = state_dict.get(local)


class _MappedColumn(NamedTuple):
    """A column of the table, and what the bulk path needs to know of it for every row."""

    #: The INSERT parameter's name.
    column_key: str
    #: The attribute the mapper keeps its value under (``instance.__dict__[key]``).
    key: str
    #: Its position in ``RETURNING`` / the ``SELECT`` of the written rows (``table.columns``).
    position: int
    #: ``None`` is left out of the INSERT: a key or a default fills it in.
    none_means_default: bool


class _Absent:
    """An object's missing value for a column: a class of its own, so a set of types finds it."""


_ABSENT = _Absent()


def _row(instance: Any, columns: list[_MappedColumn]) -> dict[str, Any]:
    """The INSERT parameters: what the ORM would send (None left out where a default applies)."""
    state_dict = instance.__dict__
    row = {}
    for column_key, key, _position, none_means_default in columns:
        value = state_dict.get(key, _ABSENT)
        if value is _ABSENT or (value is None and none_means_default):
            continue
        row[column_key] = value
    return row


#: Worked out once per mapper: its table's columns, as ``_mapped_columns`` gives them.
_COLUMNS: weakref.WeakKeyDictionary[Mapper[Any], list[_MappedColumn]] = weakref.WeakKeyDictionary()


def _mapped_columns(mapper: Mapper[Any], table: Table) -> list[_MappedColumn]:
    """The columns of ``table`` (the mapper's only one: see ``_mapper_allows_bulk``) it maps."""
    columns = _COLUMNS.get(mapper)
    if columns is None:
        columns = _COLUMNS[mapper] = _work_out_columns(mapper, table)
    return columns


def _work_out_columns(mapper: Mapper[Any], table: Table) -> list[_MappedColumn]:
    columns = []
    for position, column in enumerate(table.columns):
        try:
            key = mapper.get_property_by_column(column).key
        except Exception:  # a column the mapper does not map (excluded): the database fills it
            continue
        defaulted = column.primary_key or column.server_default is not None or column.default is not None
        columns.append(_MappedColumn(column.key, key, position, defaulted))
    return columns


def _returns_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> bool:
    """The dialect runs ``INSERT … RETURNING`` for this batch, rows in parameter order.

    A batch of SQLite rowids is faster through ``executemany`` and one SELECT; it goes through
    ``plain_inserts.py``, as does every batch on a dialect without RETURNING (MySQL 8).
    """
    dialect = session.get_bind().dialect
    if len(rows) == 1:
        return bool(dialect.insert_returning)
    if not dialect.insert_executemany_returning_sort_by_parameter_order:
        return False
    return not uses_rowids(session, table, rows)


#: One ``INSERT … RETURNING`` statement per table, built once (statements are immutable).
_INSERTS: weakref.WeakKeyDictionary[Table, Any] = weakref.WeakKeyDictionary()


def _insert_returning(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[Any]:
    statement = _INSERTS.get(table)
    if statement is None:
        statement = _INSERTS[table] = insert(table).returning(*table.columns, sort_by_parameter_order=True)
    return list(session.execute(statement, rows).all())


def _insert(
    session: Session, table: Table, columns: list[_MappedColumn], rows: list[dict[str, Any]]
) -> tuple[list[Any], list[tuple[str, int]]]:
    """Insert ``rows`` (all giving the same columns): the written rows in their order, and where
    each value the database generated sits in them, as ``(attribute key, position)``.

    On PostgreSQL only those values (and the key) come back; elsewhere a row of every column.
    """
    unsent = [column for column in columns if column.column_key not in rows[0]]
    if unnest_possible(session, table, rows):
        returned, loaders = _returning(table, unsent)
        return insert_unnest(session, table, rows, returned), loaders
    insert_batch = _insert_returning if _returns_rows(session, table, rows) else insert_without_returning
    return insert_batch(session, table, rows), [(column.key, column.position) for column in unsent]


def _load(members: list[Any], written: list[Any], loaders: list[tuple[str, int]]) -> None:
    """What the database generated, from each written row onto its object."""
    for instance, row in zip(members, written, strict=True):
        state_dict = instance.__dict__
        for key, position in loaders:
            state_dict[key] = row[position]


def _insert_columns(session: Session, table: Table, columns: list[_MappedColumn], members: list[Any]) -> bool:
    """On PostgreSQL, where every object leaves out the same columns: one ``unnest`` INSERT made
    column by column, with no row per object, and what the database generated loaded. False,
    having written nothing, where the rows must be grouped by the columns they give."""
    if len(members) < 2 or not unnest_dialect(session):
        return False
    dicts = [instance.__dict__ for instance in members]
    arrays: dict[str, list[Any]] = {}
    unsent: list[_MappedColumn] = []
    for column in columns:
        values = [state_dict.get(column.key, _ABSENT) for state_dict in dicts]
        types = set(map(type, values))
        left_out = {_Absent, type(None)} if column.none_means_default else {_Absent}
        if types <= left_out:
            unsent.append(column)
        elif types.isdisjoint(left_out):
            arrays[column.column_key] = values
        else:
            return False  # some objects give it, others leave it out
    if not unnest_allows(session, table, tuple(arrays), len(members)):
        return False
    returned, loaders = _returning(table, unsent)
    _load(members, insert_arrays(session, table, arrays, returned), loaders)
    return True


def _returning(table: Table, unsent: list[_MappedColumn]) -> tuple[tuple[str, ...], list[tuple[str, int]]]:
    """The columns an ``unnest`` INSERT returns (the key, the columns left out) and where each
    left-out column's value sits in its rows."""
    keys = [column.key for column in table.primary_key.columns] + [column.column_key for column in unsent]
    returned = tuple(dict.fromkeys(keys))
    where = {column_key: position for position, column_key in enumerate(returned)}
    return returned, [(column.key, where[column.column_key]) for column in unsent]


def _insert_table(session: Session, table: Table, members: list[Any]) -> None:
    """Insert ``members``, one batch per set of given columns, and load what the database generated
    onto them. A value the caller gave stays as given, as after a flush: the database's copy of it
    may differ (a timezone-aware datetime comes back naive from SQLite, in UTC from PostgreSQL)."""
    mapper = instance_state(members[0]).mapper
    columns, links = _mapped_columns(mapper, table), _links(mapper)
    if links.parents:
        for instance in members:
            _sync_parent_keys(instance, mapper, links)
    if not _insert_columns(session, table, columns, members):
        rows = [_row(instance, columns) for instance in members]
        by_keys: dict[frozenset[str], list[int]] = {}
        for index, row in enumerate(rows):
            by_keys.setdefault(frozenset(row), []).append(index)
        for indexes in by_keys.values():
            written, loaders = _insert(session, table, columns, [rows[index] for index in indexes])
            _load([members[index] for index in indexes], written, loaders)
    if links.children:
        for instance in members:
            _sync_children_keys(instance, mapper, links)


def write_in_bulk(session: Session, instances: Sequence[Any]) -> bool:
    """Insert every instance with one batch per table and attach them to ``session``.

    Returns False, having written nothing, when the unit of work must do it instead.
    """
    if not instances or not _session_allows_bulk(session):
        return False
    groups = _group_by_table(instances)
    if groups is None:
        return False
    # No autoflush: a parent already in the session holds the new children in its collection,
    # which the unit of work must not try to write.
    with session.no_autoflush:
        for table, members in groups.items():
            _insert_table(session, table, members)
    attach(session, instances, _holds_only_batch({id(instance) for instance in instances}))
    return True


def _holds_only_batch(batch: set[int]) -> Callable[[Any, InstanceState[Any]], bool]:
    """Whether every object an instance holds through a relationship is one of ``batch``."""
    links_of: dict[Mapper[Any], _Links] = {}

    def holds_only(instance: Any, state: InstanceState[Any]) -> bool:
        mapper = state.mapper
        links = links_of.get(mapper) or links_of.setdefault(mapper, _links(mapper))
        state_dict = instance.__dict__
        for key in links.scalars:
            related = state_dict.get(key)
            if related is not None and id(related) not in batch:
                return False
        return all(id(related) in batch for rel in links.collections for related in members(instance, rel))

    return holds_only
