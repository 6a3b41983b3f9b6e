"""Precedence, lowest first: declarations < defaults() < states in order < call keywords."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import ModelFactory, Sequence, SubFactory, Trait


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(50))


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship()


# --8<-- [start:factory]
class UserFactory(ModelFactory[User]):
    # 1. class declarations
    name = "declared name"
    role = "declared role"
    title = "declared title"
    email = Sequence(lambda n: f"user{n}@example.com")

    class Params:
        owner = Trait(role="owner")  # a trait switched on by owner=True counts as a state

    # 2. defaults()
    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {"name": "default name", "role": "default role"}

    # 3. states, in the order given
    @classmethod
    def state_admin(cls) -> dict[str, Any]:
        return {"role": "admin", "title": "Administrator"}

    @classmethod
    def state_editor(cls) -> dict[str, Any]:
        return {"role": "editor"}


class PostFactory(ModelFactory[Post]):
    title = Sequence(lambda n: f"Post {n}")
    author = SubFactory(UserFactory)
# --8<-- [end:factory]


async def main() -> None:
    # --8<-- [start:layers]
    user = UserFactory.build()
    assert (user.name, user.role, user.title) == ("default name", "default role", "declared title")

    admin = UserFactory.state("admin").build()
    assert (admin.name, admin.role, admin.title) == ("default name", "admin", "Administrator")

    later_wins = UserFactory.state("admin", "editor").build()
    assert (later_wins.role, later_wins.title) == ("editor", "Administrator")

    assert UserFactory.state("editor").build(owner=True).role == "owner"  # the flag comes after

    keyword_wins = UserFactory.state("admin").build(role="guest")  # 4. call keywords
    assert (keyword_wins.role, keyword_wins.title) == ("guest", "Administrator")
    # --8<-- [end:layers]

    # --8<-- [start:depth]
    post = PostFactory.build()  # the author is built through the same layers
    assert (post.author.name, post.author.role) == ("default name", "default role")
    assert PostFactory.build(author__role="guest").author.role == "guest"
    # --8<-- [end:depth]

    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)

    async with AsyncSession(engine, expire_on_commit=False) as session:
        # --8<-- [start:foreign-key]
        author = await UserFactory.create(session=session)
        post = await PostFactory.create(session=session, author_id=author.id)  # no new user built
        assert post.author_id == author.id
        assert await session.scalar(select(func.count()).select_from(User)) == 1
        # --8<-- [end:foreign-key]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
