"""factory_boy's declarations, unchanged, in factories that persist through an AsyncSession."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import factory
from sqlalchemy import JSON, Column, ForeignKey, String, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import (
    Dict,
    Faker,
    Iterator,
    LazyAttribute,
    LazyAttributeSequence,
    Maybe,
    ModelFactory,
    RelatedFactoryList,
    SelfAttribute,
    Sequence,
    SubFactory,
    Trait,
    post_generation,
)


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
    role: Mapped[str] = mapped_column(String(20), default="member")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime | None]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(back_populates="posts")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tags)
    comments: Mapped[list[Comment]] = relationship(back_populates="post")


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    post: Mapped[Post] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


# --8<-- [start:factories]
class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = LazyAttributeSequence(lambda user, n: f"{user.name.split()[0].lower()}{n}@example.com")
    settings = Dict({"theme": Iterator(["dark", "light"]), "beta": False})

    class Params:
        admin = Trait(role="admin", settings={"theme": "dark", "beta": True})


class TagFactory(ModelFactory[Tag]):
    name = Sequence(lambda n: f"tag-{n}")


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    slug = LazyAttribute(lambda post: post.title.lower().replace(" ", "-"))
    author = SubFactory(UserFactory)

    class Params:
        published = False

    published_at = Maybe("published", yes_declaration=datetime(2024, 5, 1, 12, 0), no_declaration=None)

    @post_generation
    def tags(self, create: bool, extracted: list[Tag] | None, **kwargs: Any) -> None:
        if extracted:  # PostFactory.create(tags=[...]) links existing tags
            self.tags.extend(extracted)


class CommentFactory(ModelFactory[Comment]):
    text = Faker("sentence")
    post = SubFactory(PostFactory)
    author = SelfAttribute("post.author")  # the post's author comments on it


class BusyUserFactory(UserFactory):
    posts = RelatedFactoryList(PostFactory, factory_related_name="author", size=2)
# --8<-- [end:factories]


async def main() -> None:
    # --8<-- [start:same-objects]
    assert Sequence is factory.Sequence  # the very same classes, not copies
    assert SubFactory is factory.SubFactory
    # --8<-- [end:same-objects]

    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine, expire_on_commit=False) as session:
        # --8<-- [start:use]
        admin = await UserFactory.create(session=session, admin=True)
        assert admin.role == "admin"
        assert admin.settings == {"theme": "dark", "beta": True}

        tags = await TagFactory.create_many(2, session=session)
        post = await PostFactory.create(session=session, title="Hello World", published=True, tags=tags)
        assert post.slug == "hello-world"
        assert post.published_at == datetime(2024, 5, 1, 12, 0)
        assert post.tags == tags
        assert post.author.id is not None

        comment = await CommentFactory.create(session=session)
        assert comment.author is comment.post.author

        busy = await BusyUserFactory.create(session=session)  # RelatedFactoryList: 2 posts
        assert len(busy.posts) == 2
        # --8<-- [end:use]
        await session.commit()

        assert await session.scalar(select(func.count()).select_from(post_tags)) == 2
        assert await session.scalar(select(func.count()).select_from(Post)) == 4
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
