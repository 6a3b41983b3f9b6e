"""asyncfactories quickstart: a small blog, filled through an AsyncSession on embedded SQLite.

Run it from any directory (it writes ``quickstart.sqlite3`` there, replacing an old one)::

    pip install -e ".[sqlite]"
    python examples/quickstart.py

It declares users, posts and tags (many-to-many through ``post_tags``), creates rows with
factories (a SubFactory, a Trait, a batch, a post-generation hook), commits, and reads
everything back with fresh queries in a new session.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload

from asyncfactories import Faker, ModelFactory, Sequence, SubFactory, Trait, bind_session, post_generation

DATABASE = Path("quickstart.sqlite3")


# --------------------------------------------------------------------------- the schema


class Base(DeclarativeBase):
    pass


post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="user")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    author: Mapped[User] = relationship(back_populates="posts")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tags, back_populates="posts")


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)

    posts: Mapped[list[Post]] = relationship(secondary=post_tags, back_populates="tags")


# --------------------------------------------------------------------------- the factories


class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@example.com")

    class Params:
        admin = Trait(role="admin", name="Ada Admin")


class TagFactory(ModelFactory[Tag]):
    name = Sequence(lambda n: f"tag-{n}")


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post number {n}")
    body = Faker("sentence")
    author = SubFactory(UserFactory)  # a new user per post, unless author= is given

    @post_generation
    def tags(self: Post, create: bool, extracted: list[Tag] | None, **kwargs: Any) -> None:
        """``PostFactory.create(tags=[...])`` attaches existing tags (rows in post_tags)."""
        if extracted:
            self.tags.extend(extracted)


# --------------------------------------------------------------------------- the run


async def fill(session: AsyncSession) -> None:
    """Create the sample data through the factories; the caller commits."""
    alice = await UserFactory.create(session=session, name="Alice Liddell")
    admin = await UserFactory.create(session=session, admin=True)
    # "flush" mode (the default): ids and server defaults are loaded when create returns.
    print(f"created {alice.name} (id={alice.id}, created_at={alice.created_at:%Y-%m-%d %H:%M:%S})")

    async with bind_session(session):  # factories in this block use `session`
        tags = await TagFactory.create_many(3)
        await PostFactory.create_many(4, author=alice, tags=tags[:2])  # one flush for the batch
        await PostFactory.create(author=admin, title="Welcome", tags=tags)
        await PostFactory.create(tags=[tags[2]])  # the SubFactory makes its author


async def report(session: AsyncSession) -> None:
    """Read everything back with fresh queries."""
    for name, table in (("users", User), ("posts", Post), ("tags", Tag), ("post_tags", post_tags)):
        count = await session.scalar(select(func.count()).select_from(table))
        print(f"{name}: {count}")
    users = await session.scalars(select(User).order_by(User.id))
    for user in users:
        print(f"  user #{user.id} {user.name} <{user.email}> role={user.role}")
    posts = await session.scalars(
        select(Post).options(selectinload(Post.author), selectinload(Post.tags)).order_by(Post.id).limit(3)
    )
    for post in posts:
        tag_names = ", ".join(sorted(tag.name for tag in post.tags))
        print(f"  post #{post.id} {post.title!r} by {post.author.name} [{tag_names}]")


async def main() -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{DATABASE}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    make_session = async_sessionmaker(engine, expire_on_commit=False)
    async with make_session() as session:
        await fill(session)
        await session.commit()
    async with make_session() as session:
        await report(session)
    await engine.dispose()


if __name__ == "__main__":
    DATABASE.unlink(missing_ok=True)  # start from an empty file on every run
    asyncio.run(main())
