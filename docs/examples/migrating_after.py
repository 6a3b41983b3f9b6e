"""After: the same factories on asyncfactories, persisting through an AsyncSession."""

from __future__ import annotations

import asyncio

import factory
from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from asyncfactories import ModelFactory, bind_session


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(120), unique=True)

    posts: Mapped[list[Post]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(back_populates="posts")


# --8<-- [start:factories]
class UserFactory(ModelFactory[User]):
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"user{n}@example.com")


class PostFactory(ModelFactory[Post]):
    title = factory.Sequence(lambda n: f"Post {n}")
    author = factory.SubFactory(UserFactory)
# --8<-- [end:factories]


# --8<-- [start:test]
async def test_author_has_posts(session: AsyncSession) -> None:
    user = await UserFactory(session=session)
    posts = await PostFactory.create_batch(3, session=session, author=user)
    assert user.id is not None
    assert user.posts == posts
# --8<-- [end:test]


async def main() -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    session_maker = async_sessionmaker(engine, expire_on_commit=False)

    async with session_maker() as session:
        await test_author_has_posts(session)

    # --8<-- [start:bound]
    async with session_maker() as session, bind_session(session):  # what a fixture would do
        post = await PostFactory()
        assert post.author.id is not None
    # --8<-- [end:bound]
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
