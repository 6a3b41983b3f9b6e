"""Zero configuration: required parents, default factories and filled collections."""

from __future__ import annotations

import asyncio

from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import ModelFactory, Sequence


class Base(DeclarativeBase):
    pass


# --8<-- [start:models]
class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))

    books: Mapped[list[Book]] = relationship(back_populates="author")


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))  # required parent

    author: Mapped[Author] = relationship(back_populates="books")
# --8<-- [end:models]


async def main() -> None:
    # --8<-- [start:parents]
    class BookFactory(ModelFactory[Book]):
        pass

    book = BookFactory.build()
    assert isinstance(book.author, Author)  # an automatic factory built the required parent
    assert book.author_id is None  # set from the parent when flushed, never invented

    class AuthorFactory(ModelFactory[Author]):
        name = Sequence(lambda n: f"Author {n}")

    assert BookFactory.build().author.name.startswith("Author ")  # the only Author factory

    book = BookFactory.build(author_id=7)  # a keyword for the foreign key: no parent is built
    assert book.author is None and book.author_id == 7
    # --8<-- [end:parents]

    # --8<-- [start:default]
    class FamousAuthorFactory(ModelFactory[Author]):
        __set_as_default_factory_for_type__ = True  # or class Meta: default_for_model = True
        name = "Ursula K. Le Guin"

    assert BookFactory.build().author.name == "Ursula K. Le Guin"
    # --8<-- [end:default]

    # --8<-- [start:collections]
    class ProlificAuthorFactory(ModelFactory[Author]):
        class Meta:
            set_relationships = True  # or __set_relationships__ = True
            randomize_collection_length = True
            min_collection_length = 2
            max_collection_length = 4

    author = ProlificAuthorFactory.build()
    assert 2 <= len(author.books) <= 4 and all(b.author is author for b in author.books)

    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as session:
        await ProlificAuthorFactory.create_many(3, session=session)  # books in the same flush
        assert await session.scalar(select(func.count()).select_from(Author)) == 3
        assert 6 <= (await session.scalar(select(func.count()).select_from(Book)) or 0) <= 12
    await engine.dispose()
    # --8<-- [end:collections]


if __name__ == "__main__":
    asyncio.run(main())
