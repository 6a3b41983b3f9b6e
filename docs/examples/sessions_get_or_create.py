"""Get-or-create through an AsyncSession: an existing row is returned instead of inserted,
also when only some of the get-or-create fields were passed."""

from __future__ import annotations

import asyncio

from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from asyncfactories import ModelFactory, Sequence


class Base(DeclarativeBase):
    pass


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    title: Mapped[str] = mapped_column(String(200))


# --8<-- [start:factory]
class TagFactory(ModelFactory[Tag]):
    name = Sequence(lambda n: f"tag-{n}")

    class Meta:
        sqlalchemy_get_or_create = ("name",)
# --8<-- [end:factory]


# --8<-- [start:passed-keys]
class ArticleFactory(ModelFactory[Article]):
    slug = Sequence(lambda n: f"article-{n}")
    title = Sequence(lambda n: f"Article number {n}")

    class Meta:
        sqlalchemy_get_or_create = ("slug", "title")
# --8<-- [end:passed-keys]


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine) as session:
        # --8<-- [start:use]
        python = await TagFactory.create(session=session, name="python")
        again = await TagFactory.create(session=session, name="python")
        assert again is python  # looked up, not inserted twice

        others = await TagFactory.create_many(2, session=session)  # new names: inserted
        assert await session.scalar(select(func.count()).select_from(Tag)) == 3
        # --8<-- [end:use]
        assert python not in others

        # --8<-- [start:passed-keys-use]
        hello = await ArticleFactory.create(session=session, slug="hello")
        # A new title matches no row, and the INSERT fails on the unique slug:
        # the row is looked up again by the key this call passed, slug="hello".
        again_hello = await ArticleFactory.create(session=session, slug="hello")
        assert again_hello is hello
        # --8<-- [end:passed-keys-use]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
