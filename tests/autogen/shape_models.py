"""Models of every relationship and model shape SQLAlchemy offers (issue #12, section 4).

``ShapeBase``: collections that are not lists (``set``, ``attribute_keyed_dict``,
``column_keyed_dict``, ``keyfunc_mapping``, a many-to-many of sets), ``WriteOnlyMapped`` and
``lazy="dynamic"`` relationships, and a ``TypeDecorator`` storing UUIDs as ``CHAR(32)``.
``ShapeDataBase``: ``MappedAsDataclass`` models whose ``__init__`` requires the primary key, a
foreign key, a server-filled column, a nullable column and the relationships.
``SHAPE_PG_METADATA``: the generic ``sqlalchemy.ARRAY``, which only PostgreSQL has.
Every table is an ``ag_`` table, emptied after each test by ``tests/autogen/conftest.py``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ARRAY, CHAR, Column, Dialect, ForeignKey, Integer, MetaData, String, Table, TypeDecorator, func
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    MappedAsDataclass,
    WriteOnlyMapped,
    backref,
    mapped_column,
    relationship,
)
from sqlalchemy.orm.collections import attribute_keyed_dict, column_keyed_dict, keyfunc_mapping


class ShapeBase(DeclarativeBase):
    pass


class HexUUID(TypeDecorator[uuid.UUID]):
    """A UUID stored as 32 hexadecimal characters: ``python_type`` is not its ``impl``'s."""

    impl = CHAR(32)
    cache_ok = True

    @property
    def python_type(self) -> type[uuid.UUID]:
        return uuid.UUID

    def process_bind_param(self, value: uuid.UUID | None, dialect: Dialect) -> str | None:
        return None if value is None else value.hex

    def process_result_value(self, value: Any, dialect: Dialect) -> uuid.UUID | None:
        return None if value is None else uuid.UUID(value)


class AgPin(ShapeBase):
    """Held by ``AgShelf.pins``, a ``column_keyed_dict`` on ``code``, with a back-reference."""

    __tablename__ = "ag_pins"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12))
    shelf_id: Mapped[int] = mapped_column(ForeignKey("ag_shelves.id"))

    shelf: Mapped[AgShelf] = relationship(back_populates="pins")


ag_shelf_readers = Table(
    "ag_shelf_readers",
    ShapeBase.metadata,
    Column("shelf_id", ForeignKey("ag_shelves.id"), primary_key=True),
    Column("reader_id", ForeignKey("ag_readers.id"), primary_key=True),
)


class AgShelf(ShapeBase):
    """One collection of each kind that is not a list."""

    __tablename__ = "ag_shelves"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))

    books: Mapped[set[AgBook]] = relationship(back_populates="shelf")
    stickers: Mapped[dict[str, AgSticker]] = relationship(collection_class=attribute_keyed_dict("label"))
    pins: Mapped[dict[str, AgPin]] = relationship(
        collection_class=column_keyed_dict(AgPin.__table__.c.code), back_populates="shelf"
    )
    tags: Mapped[dict[str, AgTag]] = relationship(collection_class=keyfunc_mapping(lambda tag: tag.word.upper()))
    readers: Mapped[set[AgReader]] = relationship(secondary=ag_shelf_readers, back_populates="shelves")


class AgBook(ShapeBase):
    """In a ``set`` collection, with a back-reference."""

    __tablename__ = "ag_books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(60))
    shelf_id: Mapped[int] = mapped_column(ForeignKey("ag_shelves.id"))

    shelf: Mapped[AgShelf] = relationship(back_populates="books")


class AgSticker(ShapeBase):
    """In an ``attribute_keyed_dict`` on ``label``, without a back-reference."""

    __tablename__ = "ag_stickers"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(30))
    shelf_id: Mapped[int] = mapped_column(ForeignKey("ag_shelves.id"))


class AgTag(ShapeBase):
    """In a ``keyfunc_mapping`` keyed by the upper-cased word, without a back-reference."""

    __tablename__ = "ag_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(30))
    shelf_id: Mapped[int] = mapped_column(ForeignKey("ag_shelves.id"))


class AgReader(ShapeBase):
    """The other side of a many-to-many whose both collections are sets."""

    __tablename__ = "ag_readers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))

    shelves: Mapped[set[AgShelf]] = relationship(secondary=ag_shelf_readers, back_populates="readers")


class AgFeed(ShapeBase):
    """A ``WriteOnlyMapped`` collection, and (through a backref) a ``lazy="dynamic"`` one."""

    __tablename__ = "ag_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))

    entries: WriteOnlyMapped[AgEntry] = relationship(back_populates="feed")
    # ``events``: added by the backref of ``AgEvent.feed``.


class AgEntry(ShapeBase):
    __tablename__ = "ag_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(60))
    feed_id: Mapped[int] = mapped_column(ForeignKey("ag_feeds.id"))

    feed: Mapped[AgFeed] = relationship(back_populates="entries")


class AgEvent(ShapeBase):
    __tablename__ = "ag_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    feed_id: Mapped[int] = mapped_column(ForeignKey("ag_feeds.id"))

    feed: Mapped[AgFeed] = relationship(backref=backref("events", lazy="dynamic"))


class AgBadge(ShapeBase):
    """A ``TypeDecorator`` whose ``python_type`` (UUID) differs from its impl's (str), unique."""

    __tablename__ = "ag_badges"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[uuid.UUID] = mapped_column(HexUUID, unique=True)


class ShapeDataBase(MappedAsDataclass, DeclarativeBase):
    pass


class AgPlan(ShapeDataBase):
    """``MappedAsDataclass`` with every ``__init__`` argument required, none defaulted."""

    __tablename__ = "ag_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    steps: Mapped[list[AgStep]] = relationship(back_populates="plan")


class AgStep(ShapeDataBase):
    __tablename__ = "ag_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))
    plan_id: Mapped[int] = mapped_column(ForeignKey("ag_plans.id"))
    plan: Mapped[AgPlan] = relationship(back_populates="steps")


SHAPE_PG_METADATA = MetaData()

ag_generic_arrays = Table(
    "ag_generic_arrays",
    SHAPE_PG_METADATA,
    Column("id", Integer, primary_key=True),
    Column("numbers", ARRAY(Integer), nullable=False),
    Column("grid", ARRAY(Integer, dimensions=2), nullable=False),
    Column("words", ARRAY(String(20)), nullable=False, unique=True),
)


class AgGenericArrays(ShapeBase):
    __table__ = ag_generic_arrays
