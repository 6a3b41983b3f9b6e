"""Quickstart: two factories, rows created through an AsyncSession, one build without a database."""

# --8<-- [start:imports]
from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import Faker, ModelFactory, Sequence, SubFactory, Trait, bind_session

# --8<-- [end:imports]


# --8<-- [start:models]
class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(back_populates="posts")
# --8<-- [end:models]


# --8<-- [start:factories]
class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@example.com")

    class Params:
        admin = Trait(role="admin")


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(UserFactory)
# --8<-- [end:factories]


async def main() -> None:
    # --8<-- [start:engine]
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    session_maker = async_sessionmaker(engine, expire_on_commit=False)
    # --8<-- [end:engine]

    async with session_maker() as session:
        # --8<-- [start:create]
        user = await UserFactory.create(session=session)
        assert user.id is not None  # the row is flushed: its key is loaded...
        assert user.created_at is not None  # ...and so is its server default
        assert user.posts == []  # an empty collection, readable without a query

        admin = await UserFactory.create(session=session, admin=True, name="Ada")
        assert (admin.role, admin.name) == ("admin", "Ada")
        # --8<-- [end:create]

        # --8<-- [start:bind]
        async with bind_session(session):  # every factory in this block uses `session`
            posts = await PostFactory.create_many(3, author=admin)  # one flush for the three
            lone_post = await PostFactory.create()  # its SubFactory creates an author too
        assert [post.author for post in posts] == [admin, admin, admin]
        assert lone_post.author.id is not None
        # --8<-- [end:bind]
        await session.commit()

    # --8<-- [start:build]
    draft = PostFactory.build(title="Draft")  # no session, no database
    assert draft.title == "Draft"
    assert draft.id is None  # nothing was written
    assert draft.author.id is None
    # --8<-- [end:build]

    # --8<-- [start:count]
    async with session_maker() as session:  # a new session sees the committed rows
        users = await session.scalar(select(func.count()).select_from(User))
        posts = await session.scalar(select(func.count()).select_from(Post))
    assert (users, posts) == (3, 4)
    print(f"{users} users and {posts} posts")
    await engine.dispose()
    # --8<-- [end:count]


if __name__ == "__main__":
    asyncio.run(main())
