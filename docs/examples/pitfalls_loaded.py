"""What create() loads for you, so that reading it outside the greenlet needs no query."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import ForeignKey, String, func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload

from asyncfactories import ModelFactory, Sequence, SubFactory


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    score: Mapped[int] = mapped_column(server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(back_populates="posts")


class UserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"user{n}@example.com")


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(UserFactory)


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine) as session:
        # --8<-- [start:loaded]
        post = await PostFactory.create(session=session)
        user = post.author
        assert inspect(user).unloaded == set()  # nothing left that would need a query
        assert (user.id, user.score) == (post.author_id, 0)  # key and server defaults
        assert user.created_at is not None
        assert user.posts == [post]  # collections are loaded too
        # --8<-- [end:loaded]

        # --8<-- [start:own-query]
        loaded = await session.scalar(
            select(User).where(User.id == user.id).options(selectinload(User.posts))
        )
        assert loaded is not None
        assert loaded.posts == [post]  # loaded eagerly: no lazy load later
        # --8<-- [end:own-query]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
