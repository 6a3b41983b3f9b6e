"""The example blog: its schema and its factories, shared by the quickstart and the CLI demo.

From the repository root::

    asyncfactories seed examples.blog:UserFactory=20 examples.blog:PostFactory=100 --create-tables
    asyncfactories lint examples.blog
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import Faker, ModelFactory, Sequence, SubFactory, Trait, post_generation

__all__ = ["Base", "Post", "PostFactory", "Tag", "TagFactory", "User", "UserFactory", "post_tags"]


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

    @classmethod
    def state_untitled(cls) -> dict[str, Any]:
        """A post whose body was never written."""
        return {"title": "Untitled", "body": None}

    @post_generation
    def tags(self: Post, create: bool, extracted: list[Tag] | None, **kwargs: Any) -> None:
        """``PostFactory.create(tags=[...])`` attaches existing tags (rows in post_tags)."""
        if extracted:
            self.tags.extend(extracted)
