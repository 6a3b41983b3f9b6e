"""``asyncfactories.lint()`` from Python: every factory and state created once, then rolled back."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

import asyncfactories
from asyncfactories import ModelFactory, Sequence, SubFactory


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))

    author: Mapped[Author] = relationship()


class AuthorFactory(ModelFactory[Author]):
    name = Sequence(lambda n: f"Author {n}")

    @classmethod
    def state_nameless(cls) -> dict[str, Any]:
        return {"name": None}  # the column is NOT NULL: this state cannot be created


class BookFactory(ModelFactory[Book]):
    title = "Dune"
    author = SubFactory(AuthorFactory)


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine) as session:
        # --8<-- [start:lint]
        report = await asyncfactories.lint([AuthorFactory, BookFactory], session)  # or a module

        assert report.summary() == "lint: 2 factories, 3 checks, 1 failed"
        [failure] = report.failures
        assert failure.factory.endswith(".AuthorFactory") and failure.state == "nameless"
        assert isinstance(failure.error, IntegrityError)
        # --8<-- [end:lint]

        # --8<-- [start:test]
        report = await asyncfactories.lint([BookFactory], session)
        assert report.ok, "\n".join(str(failure) for failure in report.failures)
        # --8<-- [end:test]
        assert await session.scalar(select(func.count()).select_from(Author)) == 0  # all rolled back
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
