"""Every collection and model shape: sets, keyed dicts, write-only collections, dataclasses."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

from sqlalchemy import CHAR, Dialect, ForeignKey, String, TypeDecorator, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    MappedAsDataclass,
    WriteOnlyMapped,
    mapped_column,
    relationship,
)
from sqlalchemy.orm.collections import attribute_keyed_dict

from asyncfactories import ModelFactory, Sequence, SubFactory


class Base(DeclarativeBase):
    pass


# --8<-- [start:collections-models]
class Library(Base):
    __tablename__ = "libraries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))

    books: Mapped[set[Book]] = relationship(back_populates="library")  # a set
    rooms: Mapped[dict[str, Room]] = relationship(collection_class=attribute_keyed_dict("code"))
    loans: WriteOnlyMapped[Loan] = relationship(back_populates="library")  # never loaded whole


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"))

    library: Mapped[Library] = relationship(back_populates="books")


class Room(Base):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10))  # the key of Library.rooms
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"))


class Loan(Base):
    __tablename__ = "loans"

    id: Mapped[int] = mapped_column(primary_key=True)
    reader: Mapped[str] = mapped_column(String(40))
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id"))

    library: Mapped[Library] = relationship(back_populates="loans")
# --8<-- [end:collections-models]


# --8<-- [start:dataclass-models]
class DataBase(MappedAsDataclass, DeclarativeBase):
    pass


class Project(DataBase):
    __tablename__ = "projects"

    # No init=False, no defaults: Project(...) requires every one of these.
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    tasks: Mapped[list[Task]] = relationship(back_populates="project")


class Task(DataBase):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    project: Mapped[Project] = relationship(back_populates="tasks")
# --8<-- [end:dataclass-models]


# --8<-- [start:decorator-model]
class HexUUID(TypeDecorator[uuid.UUID]):
    """A UUID stored as 32 hexadecimal characters."""

    impl = CHAR(32)
    cache_ok = True

    @property
    def python_type(self) -> type[uuid.UUID]:
        return uuid.UUID

    def process_bind_param(self, value: uuid.UUID | None, dialect: Dialect) -> str | None:
        return None if value is None else value.hex

    def process_result_value(self, value: Any, dialect: Dialect) -> uuid.UUID | None:
        return None if value is None else uuid.UUID(value)


class Card(Base):
    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[uuid.UUID] = mapped_column(HexUUID, unique=True)
# --8<-- [end:decorator-model]


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
        await connection.run_sync(DataBase.metadata.create_all)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        # --8<-- [start:collections]
        class LibraryFactory(ModelFactory[Library]):
            __set_relationships__ = True  # fills books, rooms and loans
            __min_collection_length__ = 2

        class RoomFactory(ModelFactory[Room]):
            code = Sequence(lambda n: f"R{n}")  # distinct keys: one room per key

        library = LibraryFactory.build()
        assert isinstance(library.books, set) and len(library.books) == 2
        assert all(key == room.code for key, room in library.rooms.items())

        library = await LibraryFactory.has(RoomFactory, 3).create(session=session)
        assert len(library.rooms) == 2 + 3
        loans = select(func.count()).select_from(Loan).where(Loan.library_id == library.id)
        assert await session.scalar(loans) == 2  # write-only: read back with a query
        # --8<-- [end:collections]

        # --8<-- [start:write-only]
        class BranchFactory(ModelFactory[Library]):
            name = Sequence(lambda n: f"Branch {n}")

        class LoanFactory(ModelFactory[Loan]):
            reader = "Ada"
            library = SubFactory(BranchFactory)  # the parent of a write-only collection

        created = await LoanFactory.create_many(3, session=session)  # parents and loans: one flush
        assert all(loan.library_id == loan.library.id for loan in created)
        # --8<-- [end:write-only]

        # --8<-- [start:dataclass]
        class TaskFactory(ModelFactory[Task]):
            title = Sequence(lambda n: f"Task {n}")

        task = TaskFactory.build()  # id, project_id, created_at and tasks are supplied
        assert task.id is None and task.project.tasks == [task]

        task = await TaskFactory.create(session=session)
        assert task.id and task.project_id == task.project.id and task.project.created_at
        other = await TaskFactory.create(session=session, project_id=task.project_id)
        assert other.project_id == task.project_id  # the key is kept, no project is built
        # --8<-- [end:dataclass]

        # --8<-- [start:decorator]
        cards = await ModelFactory.create_factory(Card).create_many(3, session=session)
        assert all(isinstance(card.token, uuid.UUID) for card in cards)  # not 32-character strings
        # --8<-- [end:decorator]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
