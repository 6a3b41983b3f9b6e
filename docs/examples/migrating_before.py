"""Before: factory_boy's SQLAlchemyModelFactory with a synchronous scoped session."""

from __future__ import annotations

import asyncio

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import ForeignKey, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, scoped_session, sessionmaker


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


engine = create_engine("sqlite://")
db_session = scoped_session(sessionmaker(engine))


# --8<-- [start:factories]
class UserFactory(SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session = db_session
        sqlalchemy_session_persistence = "flush"

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"user{n}@example.com")


class PostFactory(SQLAlchemyModelFactory):
    class Meta:
        model = Post
        sqlalchemy_session = db_session
        sqlalchemy_session_persistence = "flush"

    title = factory.Sequence(lambda n: f"Post {n}")
    author = factory.SubFactory(UserFactory)
# --8<-- [end:factories]


# --8<-- [start:test]
def test_author_has_posts() -> None:
    user = UserFactory()
    posts = PostFactory.create_batch(3, author=user)
    assert user.id is not None
    assert user.posts == posts
# --8<-- [end:test]


async def main() -> None:
    Base.metadata.create_all(engine)
    test_author_has_posts()
    db_session.remove()
    engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
