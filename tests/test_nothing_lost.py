"""Nothing lost, nothing half-written: after any failing call the caller's commit saves exactly
the earlier work, never a row of the failing call (its SubFactory parents and RelatedFactory
children included).

One table-driven fault-injection test: fault kind x call x session state x database x shape
(JSON and computed columns with a child; plain columns without one, whose batches PostgreSQL
gets as ``INSERT … FROM unnest(…)``; without a parent too, whose single create is one INSERT
with no SAVEPOINT on SQLite and MariaDB). Each case commits a baseline row through another
connection, optionally creates earlier rows in the session, runs a call that fails at row
``FAIL_AT`` of its batch, commits as a user would, and counts every table through a separate
connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import JSON, CheckConstraint, Computed, Engine, ForeignKey, Integer, String, func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from asyncfactories import FactoryError, LazyAttribute, LazyFunction, ModelFactory, RelatedFactory, SubFactory


class FaultBase(DeclarativeBase):
    pass


class Unreadable(TypeDecorator[str]):
    """A string column whose value ``unreadable`` cannot be read back (as a non-member Enum)."""

    impl = String(20)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value == "unreadable":
            raise LookupError("'unreadable' is not among the defined enum values")
        return value


class FaultParent(FaultBase):
    __tablename__ = "fault_parents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class FaultItem(FaultBase):
    __tablename__ = "fault_items"
    __table_args__ = (CheckConstraint("qty >= 0", name="fault_items_qty_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(30))
    qty: Mapped[int] = mapped_column(Integer)
    ref_id: Mapped[int | None] = mapped_column(ForeignKey("fault_parents.id"))
    data: Mapped[Any] = mapped_column(JSON, nullable=True)
    stamp: Mapped[str | None] = mapped_column(String(20))
    #: Computed by the database from ``stamp``, so it is always read back (RETURNING or SELECT).
    echo: Mapped[str | None] = mapped_column(Unreadable, Computed("stamp", persisted=True))
    parent_id: Mapped[int] = mapped_column(ForeignKey("fault_parents.id"))

    parent: Mapped[FaultParent] = relationship(foreign_keys=[parent_id])


class FaultNote(FaultBase):
    __tablename__ = "fault_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("fault_items.id"))
    text: Mapped[str] = mapped_column(String(50))

    item: Mapped[FaultItem] = relationship()


class FaultPlainItem(FaultBase):
    """The same item with plain columns only: on PostgreSQL its batches go through unnest()."""

    __tablename__ = "fault_plain_items"
    __table_args__ = (CheckConstraint("qty >= 0", name="fault_plain_items_qty_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(30))
    qty: Mapped[int] = mapped_column(Integer)
    ref_id: Mapped[int | None] = mapped_column(ForeignKey("fault_parents.id"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("fault_parents.id"))

    parent: Mapped[FaultParent] = relationship(foreign_keys=[parent_id])


class FaultFlatItem(FaultBase):
    """No parent and plain columns: a single create is one INSERT (no SAVEPOINT on SQLite, MariaDB)."""

    __tablename__ = "fault_flat_items"
    __table_args__ = (CheckConstraint("qty >= 0", name="fault_flat_items_qty_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(30))
    qty: Mapped[int] = mapped_column(Integer)
    ref_id: Mapped[int | None] = mapped_column(ForeignKey("fault_parents.id"))


@dataclass
class Plan:
    """Which fault strikes, at which row of the call (rows counted from 0 per call)."""

    kind: str | None = None
    at: int = 0
    row: int = -1

    def next_row(self) -> int:
        self.row += 1
        return self.row

    def arm(self, kind: str, size: int) -> None:
        """Strike ``kind`` at row ``FAIL_AT`` of a batch, or at the only row of a single create."""
        self.kind, self.at, self.row = kind, (FAIL_AT if size > 1 else 0), -1

    def hits(self, kind: str, row: int) -> bool:
        return self.kind == kind and row == self.at


PLAN = Plan()
TAKEN = "taken-code"


def _code(row: int) -> str:
    if PLAN.hits("python", row):
        raise ValueError(f"row {row} refused by a declaration")
    return TAKEN if PLAN.hits("unique", row) else f"code-{uuid.uuid4().hex}"


class FaultParentFactory(ModelFactory[FaultParent]):
    name = "parent"


class FaultNoteFactory(ModelFactory[FaultNote]):
    text = "note"


class FaultItemFactory(ModelFactory[FaultItem]):
    class Params:
        row = LazyFunction(PLAN.next_row)

    code = LazyAttribute(lambda o: _code(o.row))
    label = LazyAttribute(lambda o: None if PLAN.hits("not_null", o.row) else "label")
    qty = LazyAttribute(lambda o: -1 if PLAN.hits("check", o.row) else 1)
    ref_id = LazyAttribute(lambda o: 10**9 if PLAN.hits("fk", o.row) else None)
    data = LazyAttribute(lambda o: {"when": object()} if PLAN.hits("unbindable", o.row) else {"ok": True})
    stamp = LazyAttribute(lambda o: "unreadable" if PLAN.hits("unreadable", o.row) else "ok")
    parent = SubFactory(FaultParentFactory)
    note = RelatedFactory(FaultNoteFactory, factory_related_name="item")


def _plain(fault: str, faulty: Any, fine: Any) -> LazyFunction:
    """The value of the row being built (``code`` counts it: declared first, it goes first)."""
    return LazyFunction(lambda: faulty if PLAN.hits(fault, PLAN.row) else fine)


class FaultFlatItemFactory(ModelFactory[FaultFlatItem]):
    """LazyFunctions only: a single create is one INSERT, a batch one INSERT per table."""

    code = LazyFunction(lambda: _code(PLAN.next_row()))
    label = _plain("not_null", None, "label")
    qty = LazyFunction(
        lambda: object() if PLAN.hits("unbindable", PLAN.row) else -1 if PLAN.hits("check", PLAN.row) else 1
    )
    ref_id = _plain("fk", 10**9, None)


class FaultPlainItemFactory(FaultFlatItemFactory):
    """The same declarations with a parent, which the bulk path writes first."""

    class Meta:
        model = FaultPlainItem

    parent = SubFactory(FaultParentFactory)


@dataclass(frozen=True)
class Shape:
    """The failing call's factory, and the tables its rows go to besides ``fault_parents``."""

    factory: type[ModelFactory[Any]]
    item: type[Any]
    note: type[Any] | None
    with_parent: bool = True


SHAPES = {
    # JSON and a computed column: insertmanyvalues on every database.
    "json-and-computed": Shape(FaultItemFactory, FaultItem, FaultNote),
    # Plain columns and no child: the bulk path, with unnest() on PostgreSQL.
    "plain": Shape(FaultPlainItemFactory, FaultPlainItem, None),
    # No parent either: a single create needs no SAVEPOINT where the database undoes a statement.
    "flat": Shape(FaultFlatItemFactory, FaultFlatItem, None, with_parent=False),
}
FAULTS = ["unique", "fk", "not_null", "check", "python", "unbindable", "unreadable"]
#: Every fault with every shape that can suffer it (the plain ones have no unreadable column).
_NO_UNREADABLE = {("unreadable", "plain"), ("unreadable", "flat")}
FAULT_SHAPES = [(fault, shape) for shape in SHAPES for fault in FAULTS if (fault, shape) not in _NO_UNREADABLE]
#: call name -> (rows asked for, is it sync)
CALLS = {"create": (1, False), "create_many": (5, False), "create_sync": (1, True), "create_batch_sync": (5, True)}
STATES = ["empty", "holding-rows", "in-callers-savepoint"]
EARLIER = 2  # rows created before the failing call, in the states that hold rows
FAIL_AT = 3  # the row of a batch that fails (a single create fails at its only row)
TABLES = (FaultParent, FaultItem, FaultNote, FaultPlainItem, FaultFlatItem)


@pytest.fixture(scope="module")
def fault_schema(sync_engine: Engine) -> Iterator[Engine]:
    FaultBase.metadata.drop_all(sync_engine)
    FaultBase.metadata.create_all(sync_engine)
    yield sync_engine
    FaultBase.metadata.drop_all(sync_engine)


@pytest.fixture
def baseline(fault_schema: Engine) -> Iterator[dict[type, int]]:
    """One committed parent and item (holding the code the unique fault repeats), per table."""
    with fault_schema.begin() as connection:
        parent_id = connection.execute(insert(FaultParent).values(name="baseline")).inserted_primary_key[0]
        for item in (FaultItem, FaultPlainItem):
            connection.execute(insert(item).values(code=TAKEN, label="b", qty=0, parent_id=parent_id))
        connection.execute(insert(FaultFlatItem).values(code=TAKEN, label="b", qty=0))
    yield counts(fault_schema)
    with fault_schema.begin() as connection:
        for model in reversed(TABLES):
            connection.execute(model.__table__.delete())
    PLAN.kind = None


def counts(engine: Engine) -> dict[type, int]:
    with engine.connect() as connection:
        return {model: int(connection.scalar(select(func.count()).select_from(model)) or 0) for model in TABLES}


def _may_not_raise(fault: str, backend: str) -> bool:
    """SQLite checks no foreign key unless told to (PRAGMA foreign_keys)."""
    return fault == "fk" and backend == "sqlite"


def _expected_type(fault: str) -> type[BaseException]:
    return {"python": ValueError, "unreadable": LookupError}.get(
        fault, DBAPIError if fault != "unbindable" else Exception
    )


async def _run_async(
    session: AsyncSession, fault: str, call: str, size: int, state: str, factory: Any
) -> BaseException | None:
    if state != "empty":
        await FaultItemFactory.create_many(EARLIER, session=session)
    nested = await session.begin_nested() if state == "in-callers-savepoint" else None
    PLAN.arm(fault, size)
    raised: BaseException | None = None
    try:
        if call == "create":
            await factory.create(session=session)
        else:
            await factory.create_many(size, session=session)
    except Exception as error:  # every fault kind is under test
        raised = error
    PLAN.kind = None
    if nested is not None:
        await nested.commit()
    await session.commit()
    return raised


def _run_sync(session: Session, fault: str, call: str, size: int, state: str, factory: Any) -> BaseException | None:
    if state != "empty":
        FaultItemFactory.create_batch_sync(EARLIER, session=session)
    nested = session.begin_nested() if state == "in-callers-savepoint" else None
    PLAN.arm(fault, size)
    raised: BaseException | None = None
    try:
        if call == "create_sync":
            factory.create_sync(session=session)
        else:
            factory.create_batch_sync(size, session=session)
    except Exception as error:  # every fault kind is under test
        raised = error
    PLAN.kind = None
    if nested is not None:
        nested.commit()
    session.commit()
    return raised


def _check(
    raised: BaseException | None,
    fault: str,
    call: str,
    state: str,
    shape: Shape,
    backend: str,
    baseline: dict[type, int],
    engine: Engine,
) -> None:
    size, earlier = CALLS[call][0], (0 if state == "empty" else EARLIER)
    if raised is None:
        assert _may_not_raise(fault, backend), f"{fault} did not fail"
        kept = size  # the call succeeded: all of its rows are there
    else:
        assert isinstance(raised, _expected_type(fault)), repr(raised)
        assert not isinstance(raised, FactoryError)
        notes = "\n".join(getattr(raised, "__notes__", []))
        assert f"{shape.factory.__name__}.{call}(" in notes, notes
        kept = 0  # none of the failing call's rows
    # The earlier rows are FaultItemFactory's, in whichever shape the failing call has.
    expected = {FaultParent: earlier + (kept if shape.with_parent else 0), FaultItem: earlier, FaultNote: earlier}
    expected |= {FaultPlainItem: 0, FaultFlatItem: 0}
    expected[shape.item] += kept
    if shape.note is not None:
        expected[shape.note] += kept
    assert counts(engine) == {model: baseline[model] + expected[model] for model in TABLES}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("call", ["create", "create_many"])
@pytest.mark.parametrize(("fault", "shape"), FAULT_SHAPES)
async def test_a_failing_call_leaves_none_of_its_rows_and_all_earlier_ones(
    fault: str,
    shape: str,
    call: str,
    state: str,
    backend: str,
    baseline: dict[type, int],
    fault_schema: Engine,
    session: AsyncSession,
) -> None:
    raised = await _run_async(session, fault, call, CALLS[call][0], state, SHAPES[shape].factory)
    _check(raised, fault, call, state, SHAPES[shape], backend, baseline, fault_schema)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("call", ["create_sync", "create_batch_sync"])
@pytest.mark.parametrize(("fault", "shape"), FAULT_SHAPES)
def test_a_failing_sync_call_leaves_none_of_its_rows_and_all_earlier_ones(
    fault: str,
    shape: str,
    call: str,
    state: str,
    backend: str,
    baseline: dict[type, int],
    fault_schema: Engine,
    sync_session: Session,
) -> None:
    raised = _run_sync(sync_session, fault, call, CALLS[call][0], state, SHAPES[shape].factory)
    _check(raised, fault, call, state, SHAPES[shape], backend, baseline, fault_schema)


@pytest.mark.parametrize("fault", ["unique", "python"])
async def test_a_session_joined_to_an_outer_transaction_keeps_the_outer_rows(
    fault: str, baseline: dict[type, int], fault_schema: Engine, engine: AsyncEngine
) -> None:
    """SQLAlchemy's default join_transaction_mode: rolling the session back would roll back the
    connection's own transaction, so the call protects it with a SAVEPOINT instead."""
    async with engine.connect() as connection:
        await connection.begin()
        await connection.execute(insert(FaultParent).values(name="outer"))
        session = AsyncSession(bind=connection, expire_on_commit=False)
        PLAN.arm(fault, 1)
        with pytest.raises(DBAPIError if fault == "unique" else ValueError):
            await FaultItemFactory.create(session=session)
        PLAN.kind = None
        made = await FaultItemFactory.create(session=session)  # the session goes on
        await session.close()
        await connection.commit()
    after = counts(fault_schema)
    made_rows = {FaultParent: 2, FaultItem: 1, FaultNote: 1, FaultPlainItem: 0, FaultFlatItem: 0}
    assert after == {model: baseline[model] + made_rows[model] for model in TABLES}
    assert isinstance(made.id, int)
