"""The sync twins: the same factories, persisting through a synchronous Session."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import ForeignKey, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from asyncfactories import ModelFactory, Sequence, SessionTypeError, SubFactory, bind_session


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)

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


def run() -> None:
    engine = create_engine("sqlite://")  # the synchronous pysqlite driver
    Base.metadata.create_all(engine)

    # --8<-- [start:sync]
    with Session(engine) as session:
        user = UserFactory.create_sync(session=session)
        posts = PostFactory.create_batch_sync(3, session=session, author=user)
        assert user.id is not None
        assert [p.author for p in posts] == [user, user, user]

        with bind_session(session):  # a plain `with` for a sync session
            post = PostFactory.create_sync()
        assert post.author.id is not None
        session.commit()
    # --8<-- [end:sync]

    engine.dispose()


async def main() -> None:
    run()

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    # --8<-- [start:mismatch]
    with Session(engine) as session, pytest.raises(SessionTypeError, match=r"use UserFactory\.create_sync\(\)"):
        await UserFactory.create(session=session)  # the async call, given a sync Session
    # --8<-- [end:mismatch]
    engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
