"""Rows without objects: the column values a lean factory's ``create()`` would write.

``asyncfactories seed`` on PostgreSQL writes with COPY, which takes rows, not objects. For a
factory built lean (``fastbuild.py``) whose model takes its keywords as plain attributes, each
row is worked out as that build works out an object: the same declarations evaluated in the
same order, so the same sequence numbers and random draws; ``_adjust_kwargs`` applied (so
``PostGenerated`` fields too); and what the ORM adds when it flushes, a column's Python-side
``default``, filled in. A ``SubFactory`` parent is a row of its own table: the child row takes
its key once keys are reserved (``RowChunk.link``).

Anything else has no row plan, and seed creates objects as ``create_many`` does: a model with a
custom or dataclass ``__init__``, validators, ``before_insert`` / ``after_insert`` or attribute
``set`` listeners, inheritance or a version counter; a factory that overrides how objects are
made; a keyword that is neither a column nor a many-to-one relationship; a column default that
is a SQL expression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from factory import enums
from factory.declarations import SKIP
from sqlalchemy import Column, Table
from sqlalchemy import Sequence as SqlSequence
from sqlalchemy.orm import ColumnProperty, Mapper, RelationshipDirection, RelationshipProperty
from sqlalchemy.orm.decl_base import _declarative_constructor

from .._mapping import model_info
from .._root import root_factory
from ..autogen.plan import install_auto_declarations
from ..definition.states import layered_params
from .declarations import Ignore
from .entries import NO_ENTRIES, CompiledEntries, compile_entries, values_of
from .fastbuild import lean_plan, new_step

__all__ = ["NoRowsError", "RowChunk", "RowPlan", "row_plan"]

#: The hooks that make objects: a factory overriding one needs its objects.
_HOOKS = ("_generate", "_adjust_kwargs", "_instantiate", "_build", "_create", "_after_postgeneration")


class NoRowsError(Exception):
    """A row the plan cannot give (a skipped value where the database has a default)."""


@dataclass(eq=False)
class ParentLink:
    """A many-to-one keyword: the parent's plan, and (child column, parent column) index pairs."""

    plan: RowPlan | None  # None: the keyword is always None
    pairs: tuple[tuple[int, int], ...]


@dataclass(eq=False)
class RowPlan:
    """How one factory (as one ``SubFactory`` declares it) gives the rows of its table."""

    factory: Any
    table: Table
    lean: Any
    extras: dict[str, Any]
    columns: list[Column[Any]] = field(default_factory=list)
    #: keyword -> index of its column in the row, or the parent it names.
    targets: dict[str, int | ParentLink] = field(default_factory=dict)
    #: (index, ColumnDefault) for the columns no keyword gives that the ORM would fill.
    defaults: list[tuple[int, Any]] = field(default_factory=list)
    #: Indexes of the key columns whose values the database's sequence must reserve first.
    reserved: list[int] = field(default_factory=list)
    parents: dict[str, RowPlan] = field(default_factory=dict)
    depth: int = 0
    #: How each keyword gets its value, in the order the lean build passes them (``entries.py``).
    compiled: CompiledEntries = NO_ENTRIES

    @property
    def meta(self) -> Any:
        """The factory's options (its sequence counter)."""
        return self.factory._meta

    def position(self, column: Column[Any]) -> int | None:
        """The row index of ``column``, or None if the rows do not give it."""
        return next((index for index, given in enumerate(self.columns) if given is column), None)

    def index(self, column: Column[Any]) -> int:
        """The row index of ``column``, added to the row if it is not there yet."""
        found = self.position(column)
        if found is None:
            self.columns.append(column)
            found = len(self.columns) - 1
        return found


@dataclass
class RowChunk:
    """The rows of one chunk, per plan, and the parent links still to fill."""

    rows: dict[RowPlan, list[list[Any]]] = field(default_factory=dict)
    links: list[tuple[list[Any], ParentLink, list[Any]]] = field(default_factory=list)

    def add(self, plan: RowPlan, count: int) -> None:
        """``count`` rows of ``plan`` (and their parents' rows), as ``create_many(count)`` would give."""
        for _ in range(count):
            self._row(plan)

    def in_write_order(self) -> list[tuple[RowPlan, list[list[Any]]]]:
        """Parents before children."""
        return sorted(self.rows.items(), key=lambda item: -item[0].depth)

    def link(self) -> None:
        """Copy each parent's key (reserved by now) into the rows of its children."""
        for row, link, parent_row in self.links:
            for local, remote in link.pairs:
                row[local] = parent_row[remote]

    def _row(self, plan: RowPlan) -> list[Any]:
        sequence = plan.meta.next_sequence()
        step = new_step(plan.meta, enums.CREATE_STRATEGY, sequence=sequence) if plan.compiled.needs_step else None
        values = values_of(plan.compiled, sequence, step, RowChunk._row, self)
        row: list[Any] = [None] * len(plan.columns)
        targets = plan.targets
        given = 0
        for key, value in values.items():
            if value is SKIP:
                continue
            given += 1
            target = targets[key]
            if type(target) is int:
                row[target] = value
            elif value is not None:
                self.links.append((row, target, value))  # type: ignore[arg-type]  # a ParentLink
        if given != len(targets):
            _fill_skipped(plan, values, row)
        for index, default in plan.defaults:
            row[index] = _default_value(default, plan, row)
        self.rows.setdefault(plan, []).append(row)
        return row


class _DefaultContext:
    """What a context-sensitive column default reads: the row's other values."""

    def __init__(self, parameters: dict[str, Any]) -> None:
        self.current_parameters = parameters

    def get_current_parameters(self, isolate_multiinsert_groups: bool = True) -> dict[str, Any]:
        return self.current_parameters


def _default_value(default: Any, plan: RowPlan, row: list[Any]) -> Any:
    if default.is_scalar:
        return default.arg
    parameters = {column.key: value for column, value in zip(plan.columns, row, strict=True)}
    return default.arg(_DefaultContext(parameters))


def _fill_skipped(plan: RowPlan, kwargs: dict[str, Any], row: list[Any]) -> None:
    """A keyword left out of this row (``SKIP``): the column gets what the ORM would give it."""
    for key, target in plan.targets.items():
        if (key in kwargs and kwargs[key] is not SKIP) or type(target) is not int:
            continue
        column = plan.columns[target]
        if column.default is not None and not isinstance(column.default, SqlSequence):
            row[target] = _default_value(column.default, plan, row)
        elif column.server_default is not None or column.primary_key:
            raise NoRowsError(f"{plan.factory.__name__}: {key} was skipped, and the database fills it")


def row_plan(factory: Any) -> RowPlan | None:
    """How ``factory.create_many()`` would fill its table (and its parents'), or None."""
    return _plan_for(factory, None, 0)


def _plan_for(factory: Any, keywords: dict[str, Any] | None, depth: int) -> RowPlan | None:
    if not _plain_factory(factory):
        return None
    if keywords is None:
        install_auto_declarations(factory)
        keywords = layered_params(factory, {}, ())
    lean = lean_plan(factory)
    mapper = model_info(factory._meta.model).mapper
    if lean is None or not _plain_model(mapper):
        return None
    plan = RowPlan(factory, mapper.local_table, lean, keywords, depth=depth)  # type: ignore[arg-type]  # checked
    names = [name for name, entry, _kind in lean.entries if not isinstance(entry, Ignore)]
    for name in dict.fromkeys([*names, *keywords]):
        if not _add_target(plan, mapper, name):
            return None
    if not _add_defaults(plan):
        return None
    plan.compiled = compile_entries(lean, keywords, lambda name, _entry: plan.parents[name], factory)
    return plan


def _add_target(plan: RowPlan, mapper: Mapper[Any], name: str) -> bool:
    prop = mapper.attrs.get(name)
    if isinstance(prop, ColumnProperty):
        column = prop.columns[0]
        if len(prop.columns) != 1 or not isinstance(column, Column) or column.table is not plan.table:
            return False
        if mapper.class_manager[name].dispatch.set:
            return False  # a listener may change what is set
        plan.targets[name] = plan.index(column)
        return True
    if not isinstance(prop, RelationshipProperty) or prop.direction is not RelationshipDirection.MANYTOONE:
        return False
    entry = plan.extras[name] if name in plan.extras else dict((e[0], e[1]) for e in plan.lean.entries)[name]
    if not hasattr(entry, "plan"):  # a value, not a sub-build: only None needs no object
        plan.targets[name] = ParentLink(None, ())
        return entry is None
    parent = _plan_for(entry.factory, entry.keywords, plan.depth + 1)
    if parent is None:
        return False
    pairs = []
    for local, remote in prop.local_remote_pairs:
        if not (isinstance(local, Column) and isinstance(remote, Column)):
            return False
        if local.table is not plan.table or remote.table is not parent.table:
            return False
        remote_index = parent.position(remote)
        if remote_index is None:
            if not remote.primary_key or (remote.identity is not None and remote.identity.always):
                return False  # no key to reserve for it
            remote_index = parent.index(remote)
            parent.reserved.append(remote_index)
        pairs.append((plan.index(local), remote_index))
    plan.parents[name] = parent
    plan.targets[name] = ParentLink(parent, tuple(pairs))
    return True


def _add_defaults(plan: RowPlan) -> bool:
    """The Python-side defaults of the columns no keyword gives; False for a SQL expression."""
    for column in plan.table.columns:
        default = column.default
        if default is None or plan.position(column) is not None:
            continue
        if isinstance(default, SqlSequence):
            plan.reserved.append(plan.index(column))
        elif default.is_scalar or default.is_callable:
            plan.defaults.append((plan.index(column), default))
        else:
            return False
    return True


def _plain_factory(factory: Any) -> bool:
    meta = factory._meta
    if not getattr(factory, "_asyncfactories_model_factory", False) or meta.abstract or meta.model is None:
        return False
    if meta.sqlalchemy_get_or_create or meta.persistence_handler is not None:
        return False
    root = root_factory()
    return all(getattr(getattr(factory, hook), "__func__", None) is getattr(root, hook).__func__ for hook in _HOOKS)


def _plain_model(mapper: Mapper[Any]) -> bool:
    """The model's constructor only sets attributes, and nothing listens to its inserts."""
    if mapper.inherits is not None or mapper.polymorphic_on is not None or mapper.version_id_col is not None:
        return False
    if mapper.validators or not isinstance(mapper.local_table, Table):
        return False
    if mapper.dispatch.before_insert or mapper.dispatch.after_insert:
        return False
    return mapper.class_manager.original_init is _declarative_constructor
