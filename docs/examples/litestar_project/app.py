"""A Litestar app that receives its session as a dependency."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Litestar, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


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


engine = create_async_engine("sqlite+aiosqlite:///app.sqlite3")  # the app's database: tests never open it
SessionMaker = async_sessionmaker(engine, expire_on_commit=False)


async def provide_session() -> AsyncIterator[AsyncSession]:
    async with SessionMaker() as session:
        yield session


@dataclass
class UserIn:
    name: str
    email: str


@get("/users/{user_id:int}/posts")
async def list_posts(user_id: FromPath[int], db_session: NamedDependency[AsyncSession]) -> list[dict[str, Any]]:
    posts = await db_session.scalars(select(Post).where(Post.author_id == user_id).order_by(Post.id))
    return [{"id": post.id, "title": post.title} for post in posts]


@post("/users")  # Litestar answers a POST with 201 Created
async def create_user(data: JSONBody[UserIn], db_session: NamedDependency[AsyncSession]) -> dict[str, int]:
    user = User(name=data.name, email=data.email)
    db_session.add(user)
    await db_session.commit()  # the code under test commits: the test's transaction still rolls it back
    return {"id": user.id}


# --8<-- [start:create-app]
def create_app(session_provider: Callable[..., Any] = provide_session) -> Litestar:
    """The app, with the session dependency the tests replace."""
    return Litestar(
        route_handlers=[list_posts, create_user],
        dependencies={"db_session": Provide(session_provider)},
    )


app = create_app()
# --8<-- [end:create-app]
