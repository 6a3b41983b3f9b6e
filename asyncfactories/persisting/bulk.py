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
same table as its child, or a table without a usable key.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Table, insert
from sqlalchemy.orm import Mapper, RelationshipDirection, RelationshipProperty, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.exc import UnmappedColumnError

from .._collections import is_query_collection, members
from .._mapping import all_loaded
from .plain_inserts import insert_without_returning, uses_rowids
from .unnest import insert_unnest, unnest_possible

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
    if len(groups) == 1:
        return groups
    order = {table: index for index, table in enumerate(_sorted_tables(groups))}
    return {table: groups[table] for table in sorted(groups, key=order.__getitem__)}


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


_ABSENT = object()


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


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[Any]:
    """Insert ``rows`` (one batch per distinct set of given columns); written rows in their order."""
    by_keys: dict[frozenset[str], list[int]] = {}
    for index, row in enumerate(rows):
        by_keys.setdefault(frozenset(row), []).append(index)
    written: list[Any] = [None] * len(rows)
    for indexes in by_keys.values():
        batch = [rows[index] for index in indexes]
        if unnest_possible(session, table, batch):
            insert_batch = insert_unnest
        elif _returns_rows(session, table, batch):
            insert_batch = _insert_returning
        else:
            insert_batch = insert_without_returning
        for index, result in zip(indexes, insert_batch(session, table, batch), strict=True):
            written[index] = result
    return written


def _load(instance: Any, columns: list[_MappedColumn], sent: dict[str, Any], row: Any) -> None:
    """Put what the database generated on the instance (committed by make_transient_to_detached).

    A value the caller gave stays as given, as after a flush: the database's copy of it may
    differ (a timezone-aware datetime comes back naive from SQLite, in UTC from PostgreSQL).
    """
    state_dict = instance.__dict__
    for column_key, key, position, _none_means_default in columns:
        if column_key not in sent:
            state_dict[key] = row[position]


def _insert_table(session: Session, table: Table, members: list[Any]) -> None:
    mapper = instance_state(members[0]).mapper
    columns, links = _mapped_columns(mapper, table), _links(mapper)
    if links.parents:
        for instance in members:
            _sync_parent_keys(instance, mapper, links)
    rows = [_row(instance, columns) for instance in members]
    for instance, sent, row in zip(members, rows, _insert(session, table, rows), strict=True):
        _load(instance, columns, sent, row)
        if links.children:
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
    _attach(session, instances)
    _join_as_inserted(session, instances)
    return True


def _attach(session: Session, instances: Sequence[Any]) -> None:
    """Make the written instances persistent objects of ``session``, as ``add_all`` would.

    ``session.add`` also walks each object's relationships for related objects to add. Where
    every object an instance holds is in this batch, the walk would find nothing new: such an
    instance goes straight into the identity map through ``Session._update_impl``, the step
    ``add`` takes for every object it reaches (SQLAlchemy has no public call for it).
    """
    batch = {id(instance) for instance in instances}
    for instance in instances:
        _as_detached(instance)
    for instance in instances:
        state = instance_state(instance)
        if _holds_only(instance, _links(state.mapper), batch):
            state._orphaned_outside_of_session = False  # as Session._save_or_update_state does
            session._update_impl(state)
        else:
            session.add(instance)


def _as_detached(instance: Any) -> None:
    """``make_transient_to_detached(instance)``, cheaper where every attribute is loaded.

    The function also expires the attributes that are not loaded, which needs two set
    differences per object; with nothing unloaded (the common case after ``RETURNING``), its
    other two steps (SQLAlchemy's own private calls, as the function makes them) are all there
    is to do.
    """
    state = instance_state(instance)
    if state.session_id or not all_loaded(state):
        make_transient_to_detached(instance)  # which also refuses an object already in a session
        return
    state.key = state.mapper._identity_key_from_state(state)
    state._commit_all(state.dict)


def _holds_only(instance: Any, links: _Links, batch: set[int]) -> bool:
    """Every object ``instance`` holds through a relationship is one of ``batch``."""
    state_dict = instance.__dict__
    for key in links.scalars:
        related = state_dict.get(key)
        if related is not None and id(related) not in batch:
            return False
    return all(id(related) in batch for rel in links.collections for related in members(instance, rel))


def _join_as_inserted(session: Session, instances: Sequence[Any]) -> None:
    """Record the instances as inserted by the current transaction, as a flush does its INSERTs.

    Rolling back that transaction (or the SAVEPOINT they were written in) then treats them as
    it treats objects a flush inserted: expunged back to transient, their values kept and
    readable, their keys gone from the identity map. Joined as persistent objects without
    this, they would be expired and detached, and reading one would raise
    ``DetachedInstanceError``. SQLAlchemy has no public call for it: its flush fills the
    transaction's ``_new`` (``Session._register_altered``), and so does this.
    """
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:  # pragma: no cover - the inserts above began one
        return
    for instance in instances:
        transaction._new[instance_state(instance)] = True

