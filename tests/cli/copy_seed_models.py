"""Models and factories that ``seed`` writes with COPY on PostgreSQL (tests/cli/test_cli_copy_seed.py).

Every way a row plan gives a column value appears once: a constant, ``Sequence``,
``LazyFunction``, ``Faker``, ``PostGenerated``, ``Ignore`` over a server default, a scalar and
two callable Python-side defaults (one reading the row), a server default, a generated key and a
``SubFactory`` parent whose key is reserved from its sequence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import Faker, Ignore, LazyFunction, ModelFactory, PostGenerated, Sequence, SubFactory, Trait


class Base(DeclarativeBase):
    pass


class Writer(Base):
    __tablename__ = "copy_seed_writers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    handle: Mapped[str] = mapped_column(String(140))
    role: Mapped[str] = mapped_column(String(20), default="writer")
    rank: Mapped[int] = mapped_column(default=lambda: 7)
    nickname: Mapped[str] = mapped_column(String(20), server_default=text("'none'"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    pieces: Mapped[list[Piece]] = relationship(back_populates="writer")


class Piece(Base):
    __tablename__ = "copy_seed_pieces"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    shout: Mapped[str] = mapped_column(
        String(200), default=lambda context: context.get_current_parameters()["title"].upper()
    )
    words: Mapped[int] = mapped_column(Integer)
    writer_id: Mapped[int] = mapped_column(ForeignKey("copy_seed_writers.id"))
    writer: Mapped[Writer] = relationship(back_populates="pieces")


def _handle(name: str, values: dict[str, Any]) -> str:
    return f"@{values['email'].split('@')[0]}"


class WriterFactory(ModelFactory[Writer]):
    name = Faker("name")
    email = Sequence(lambda n: f"writer{n}@example.com")
    handle = PostGenerated(_handle)
    nickname = Ignore()


class PieceFactory(ModelFactory[Piece]):
    title = Sequence(lambda n: f"Piece {n}")
    words = LazyFunction(lambda: 500)
    writer = SubFactory(WriterFactory, role="guest")


class TraitWriterFactory(WriterFactory):
    """``Params`` need factory_boy's resolver: seed creates objects."""

    class Params:
        retired = Trait(role="retired")


class NamelessWriterFactory(WriterFactory):
    """A NOT NULL column left NULL: the database refuses the chunk."""

    name = None  # type: ignore[assignment]  # a declaration replaced by a plain value
