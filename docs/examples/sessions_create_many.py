"""create_many: build every instance first, then write them all with one flush."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, event, func
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import LazyAttribute, ModelFactory, Sequence, SubFactory, bind_session


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    signature: Mapped[str | None] = mapped_column(String(100))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(back_populates="posts")


class UserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"user{n}@example.com")


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(UserFactory)


# --8<-- [start:reads-parent]
class SignedPostFactory(PostFactory):
    signature = LazyAttribute(lambda post: f"by user #{post.author.id}")  # a database-generated id
# --8<-- [end:reads-parent]


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine) as session, bind_session(session):
        # --8<-- [start:one-flush]
        flushes: list[int] = []

        def count_flush(*args: Any) -> None:
            flushes.append(1)

        event.listen(session.sync_session, "after_flush", count_flush)  # SQLAlchemy's flush event

        posts = await PostFactory.create_many(50)
        assert len(flushes) == 1  # 50 posts and their 50 authors, one flush
        assert all(post.id and post.author.id and post.author.created_at for post in posts)
        # --8<-- [end:one-flush]

        # --8<-- [start:reads-parent-use]
        signed = await SignedPostFactory.create_many(3)
        assert all(post.signature == f"by user #{post.author.id}" for post in signed)
        # --8<-- [end:reads-parent-use]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
