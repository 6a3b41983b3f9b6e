"""Relationships chosen at call time: recycle(), has() and for_() on a builder, and default() for a block."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload

from asyncfactories import ModelFactory, Sequence, SubFactory


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="member")

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    published: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(back_populates="posts")
    comments: Mapped[list[Comment]] = relationship(back_populates="post")


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    post: Mapped[Post] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class UserFactory(ModelFactory[User]):
    email = Sequence(lambda n: f"user{n}@example.com")

    @classmethod
    def state_admin(cls) -> dict[str, Any]:
        return {"role": "admin"}


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(UserFactory)

    @classmethod
    def state_published(cls) -> dict[str, Any]:
        return {"published": True}


class CommentFactory(ModelFactory[Comment]):
    text = "Nice post"
    post = SubFactory(PostFactory)
    author = SubFactory(UserFactory)


async def count(session: AsyncSession, model: type[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine, expire_on_commit=False) as session:
        # --8<-- [start:recycle]
        alice = await UserFactory.create(session=session)

        comments = await CommentFactory.recycle(alice).create_many(3, session=session)
        # Every User SubFactory, at any depth, used alice: the comments' and their posts' authors.
        assert all(c.author is alice and c.post.author is alice for c in comments)
        assert await count(session, User) == 1
        # --8<-- [end:recycle]

        # --8<-- [start:has]
        admins = await UserFactory.state("admin").has(PostFactory, 3).create_many(10, session=session)
        assert len(admins) == 10 and all(len(admin.posts) == 3 for admin in admins)

        writer = await UserFactory.has(PostFactory.state("published"), 2).create(session=session)
        assert [post.published for post in writer.posts] == [True, True]
        # --8<-- [end:has]

        # --8<-- [start:for]
        post = await PostFactory.for_(alice).create(session=session)
        assert post.author is alice
        comment = await CommentFactory.for_(post).for_(alice, relationship="author").create(session=session)
        assert (comment.post, comment.author) == (post, alice)
        # --8<-- [end:for]

        # --8<-- [start:default]
        async with UserFactory.default(alice):  # every User parent in the block is alice
            posts = await PostFactory.create_many(5, session=session)
            reply = await CommentFactory.create(session=session)
        assert all(post.author is alice for post in posts)
        assert reply.author is alice and reply.post.author is alice
        # --8<-- [end:default]
        await session.commit()

        assert await count(session, User) == 12  # alice, ten admins, the writer
        assert await count(session, Post) == 3 + 30 + 2 + 1 + 5 + 1
        reloaded = await session.scalar(
            select(User)
            .where(User.id == alice.id)
            .options(selectinload(User.posts))
            .execution_options(populate_existing=True)
        )
        assert reloaded is not None and len(reloaded.posts) == 4 + 5 + 1
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
