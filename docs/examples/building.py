"""Building without a database: instances, batches, payload dicts and stubbed keys."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import Faker, ModelFactory, Sequence, SubFactory


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="member")

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(back_populates="posts")


# --8<-- [start:factories]
class UserFactory(ModelFactory[User]):
    name = Faker("name")
    email = Sequence(lambda n: f"user{n}@example.com")
    role = "member"


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(UserFactory)
# --8<-- [end:factories]


async def main() -> None:
    # No engine, no session: none of these calls touches a database.

    # --8<-- [start:build]
    user = UserFactory.build(name="Ada")
    assert user.name == "Ada"
    assert user.id is None  # a plain, transient instance: no key yet

    same = UserFactory.make(name="Ada")  # make() is build() under its Laravel-style name
    assert type(same) is User
    # --8<-- [end:build]

    # --8<-- [start:batch]
    users = UserFactory.build_batch(3, role="admin")
    assert [u.role for u in users] == ["admin", "admin", "admin"]
    assert len(UserFactory.make_batch(2)) == 2  # Laravel-style name
    assert len(UserFactory.batch(size=2)) == 2  # polyfactory's name; the count may be a keyword
    assert UserFactory.build_batch(0) == []

    with pytest.raises(ValueError, match="non-negative int"):
        UserFactory.build_batch(-1)
    # --8<-- [end:batch]

    # --8<-- [start:attributes]
    payload = PostFactory.attributes(title="Hello")
    assert payload == {"title": "Hello"}  # columns only: no author

    user_payload = UserFactory.attributes()
    assert set(user_payload) == {"name", "email", "role"}
    # --8<-- [end:attributes]

    # --8<-- [start:stubbed]
    post = PostFactory.build_stubbed()
    assert post.id is not None  # fake, unique ids
    assert post.author.id is not None
    assert post.author_id == post.author.id  # foreign key set to match
    assert post.author.posts == [post]
    # --8<-- [end:stubbed]


if __name__ == "__main__":
    asyncio.run(main())
