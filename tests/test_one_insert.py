"""A single create that is one INSERT sends no SAVEPOINT where the database undoes a failed
statement by itself (SQLite, MariaDB), and on PostgreSQL one sent by hand rather than through a
nested session transaction; a failure leaves the earlier work, a usable session, and no trace of
the failed object in its parent's collection.
(The fault-injection table of ``test_nothing_lost.py`` covers every fault kind: its "flat" shape.)
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import ModelFactory, Sequence

from .conftest import StatementLog


class _Base(DeclarativeBase):
    pass


class Shelf(_Base):
    __tablename__ = "one_insert_shelves"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    books: Mapped[list[Book]] = relationship(back_populates="shelf")


class Book(_Base):
    __tablename__ = "one_insert_books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40), unique=True)
    shelf_id: Mapped[int | None] = mapped_column(ForeignKey("one_insert_shelves.id"))
    shelf: Mapped[Shelf | None] = relationship(back_populates="books")


class BookFactory(ModelFactory[Book]):
    title = Sequence(lambda n: f"book {n}")


class SequelFactory(BookFactory):
    """The same with Params, which may hold declarations: a SAVEPOINT everywhere."""

    class Params:
        volume = 2


class ShelfFactory(ModelFactory[Shelf]):
    name = "fiction"


@pytest.fixture
async def shelves(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with engine.begin() as connection:
        await connection.run_sync(_Base.metadata.create_all)
    yield async_sessionmaker(engine, expire_on_commit=False)
    async with engine.begin() as connection:
        await connection.run_sync(_Base.metadata.drop_all)


def _savepoints(statements: StatementLog) -> list[str]:
    return [
        sql.split()[0].upper() for sql in statements.statements if sql.split()[0].upper() in ("SAVEPOINT", "RELEASE")
    ]


def _savepoint_statements(statements: StatementLog) -> list[str]:
    """Every SAVEPOINT, RELEASE and ROLLBACK TO, whole."""
    kinds = ("SAVEPOINT", "RELEASE", "ROLLBACK TO")
    return [sql for sql in statements.statements if sql.upper().startswith(kinds)]


_BY_HAND = ["SAVEPOINT asyncfactories_create", "RELEASE SAVEPOINT asyncfactories_create"]


async def test_one_insert_needs_no_savepoint_where_the_database_undoes_the_statement(
    shelves: async_sessionmaker[AsyncSession], statements: StatementLog, backend: str
) -> None:
    async with shelves() as session:
        await BookFactory.create(session=session)  # the transaction now holds work to protect
        statements.clear()
        await BookFactory.create(session=session)
        single = _savepoints(statements)
        statements.clear()
        await SequelFactory.create(session=session)  # Params: not a factory this path takes
        with_params = _savepoints(statements)
        await session.commit()

    assert single == ([] if backend in ("sqlite", "mysql") else ["SAVEPOINT", "RELEASE"])
    assert with_params == ["SAVEPOINT", "RELEASE"]


async def test_on_postgresql_the_savepoint_of_a_plain_create_is_sent_by_hand(
    shelves: async_sessionmaker[AsyncSession], statements: StatementLog, backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite and MariaDB send no SAVEPOINT at all (the test above)")
    async with shelves() as session:
        await BookFactory.create(session=session, title="taken")
        statements.clear()
        await BookFactory.create(session=session)
        plain = _savepoint_statements(statements)
        statements.clear()
        await SequelFactory.create(session=session)
        with_params = _savepoint_statements(statements)
        statements.clear()
        with pytest.raises(IntegrityError):
            await BookFactory.create(session=session, title="taken")
        failed = _savepoint_statements(statements)
        await session.commit()

    assert plain == _BY_HAND
    assert [sql.split()[-1].startswith("sa_savepoint_") for sql in with_params] == [True, True]
    assert failed == ["SAVEPOINT asyncfactories_create", "ROLLBACK TO SAVEPOINT asyncfactories_create"]


async def test_a_failed_create_inside_the_callers_savepoint_leaves_that_savepoint_working(
    shelves: async_sessionmaker[AsyncSession], backend: str
) -> None:
    async with shelves() as session:
        before = await BookFactory.create(session=session, title="taken")
        async with session.begin_nested():
            inside = await BookFactory.create(session=session)
            with pytest.raises(IntegrityError):
                await BookFactory.create(session=session, title="taken")
            kept = await BookFactory.create(session=session)
        nested = await session.begin_nested()
        dropped = await BookFactory.create(session=session)
        await nested.rollback()  # the caller's own rollback takes back the creates inside it
        await session.commit()

    async with shelves() as reader:
        titles = (await reader.scalars(select(Book.title).order_by(Book.id))).all()
    assert titles == [before.title, inside.title, kept.title]
    assert dropped.title not in titles


async def test_a_failed_insert_leaves_the_earlier_work_and_no_trace_in_the_parent(
    shelves: async_sessionmaker[AsyncSession], engine: AsyncEngine, backend: str
) -> None:
    async with shelves() as session:
        shelf = Shelf(name="fiction", books=[])
        session.add(shelf)
        first = await BookFactory.create(session=session, title="taken", shelf=shelf)
        assert shelf.books == [first]
        with pytest.raises(IntegrityError):
            await BookFactory.create(session=session, title="taken", shelf=shelf)
        # The backref's append was taken back, by hand on every database.
        assert await session.run_sync(lambda _: list(shelf.books)) == [first]
        again = await BookFactory.create(session=session, shelf=shelf)  # the session goes on
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no "Object of type Book not in session" at the flush
            await session.commit()

    async with shelves() as reader:
        rows = (await reader.execute(select(Book.title, Book.shelf_id).order_by(Book.id))).all()
        assert [tuple(row) for row in rows] == [("taken", shelf.id), (again.title, shelf.id)]
        assert await reader.scalar(select(func.count()).select_from(Shelf)) == 1


async def test_the_callers_pending_objects_are_flushed_first_as_with_a_savepoint(
    shelves: async_sessionmaker[AsyncSession], statements: StatementLog, backend: str
) -> None:
    async with shelves() as session:
        await BookFactory.create(session=session)
        pending = Book(title="pending")
        session.add(pending)
        statements.clear()
        made = await ShelfFactory.create(session=session)  # nothing of a shelf is read back
        assert pending.id is not None and made.id is not None  # "flush" mode wrote the pending row too
        assert _savepoints(statements) == ([] if backend in ("sqlite", "mysql") else ["SAVEPOINT", "RELEASE"])
        await session.rollback()
